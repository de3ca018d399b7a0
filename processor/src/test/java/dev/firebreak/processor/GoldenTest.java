package dev.firebreak.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.processor.writing.GeneratedFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Compares what the processor generates for a representative workflow with the files under {@code
 * src/test/resources/goldens}. After an intended change to generated code, regenerate them with
 * {@code mvn -pl processor test -Dtest=GoldenTest -Dfirebreak.updateGoldens=true} and review the
 * diff.
 */
class GoldenTest {
  private static final Path GOLDENS =
      Path.of(System.getProperty("firebreak.goldens", "src/test/resources/goldens"));
  private static final boolean UPDATE = Boolean.getBoolean("firebreak.updateGoldens");

  @Test
  void invoiceWorkflowMatchesGoldens() throws IOException {
    Compilation compilation =
        Compiler.compile(JavaFileObjects.forResource("fixtures/invoice/Invoice.java"));
    assertThat(compilation).succeededWithoutWarnings();

    JavaFileObject orchestrator =
        compilation
            .generatedSourceFile("test.invoice.FirebreakInvoice_InvoiceWorkflow")
            .orElseThrow();
    check("FirebreakInvoice_InvoiceWorkflow.java", orchestrator.getCharContent(true).toString());

    JavaFileObject diagram =
        compilation
            .generatedFile(
                StandardLocation.CLASS_OUTPUT, "META-INF/firebreak/Invoice_InvoiceWorkflow.mmd")
            .orElseThrow();
    check("Invoice_InvoiceWorkflow.mmd", diagram.getCharContent(true).toString());

    JavaFileObject index =
        compilation
            .generatedFile(
                StandardLocation.CLASS_OUTPUT,
                "META-INF/firebreak/orchestrators/test.invoice.FirebreakInvoice_InvoiceWorkflow")
            .orElseThrow();
    assertEquals(
        "test.invoice.Invoice.InvoiceWorkflow\n",
        index.getCharContent(true).toString(),
        "the index names the workflow interface the orchestrator implements");
  }

  @Test
  void remotableAgentWorkflowMatchesGolden() throws IOException {
    Compilation compilation =
        Compiler.compile(JavaFileObjects.forResource("fixtures/remote/Scan.java"));
    assertThat(compilation).succeededWithoutWarnings();
    check(
        "FirebreakScan_ScanWorkflow.java",
        compilation
            .generatedSourceFile("test.remote.FirebreakScan_ScanWorkflow")
            .orElseThrow()
            .getCharContent(true)
            .toString());
  }

  @Test
  void constantDefaultsWorkflowMatchesGolden() throws IOException {
    Compilation compilation =
        Compiler.compile(JavaFileObjects.forResource("fixtures/defaults/Defaults.java"));
    assertThat(compilation).succeededWithoutWarnings();
    check(
        "FirebreakDefaults_DefaultsWorkflow.java",
        compilation
            .generatedSourceFile("test.defaults.FirebreakDefaults_DefaultsWorkflow")
            .orElseThrow()
            .getCharContent(true)
            .toString());
  }

  @Test
  void outputIsDeterministic() throws IOException {
    String first = generated();
    String second = generated();
    assertEquals(first, second);
    assertThat(first).doesNotContainMatch("\\bdate\\s*=");
  }

  private static String generated() throws IOException {
    return Compiler.compile(JavaFileObjects.forResource("fixtures/invoice/Invoice.java"))
        .generatedSourceFile("test.invoice.FirebreakInvoice_InvoiceWorkflow")
        .orElseThrow()
        .getCharContent(true)
        .toString();
  }

  /**
   * Compares {@code generated} with its golden, the processor's release written as {@code
   * @version@} so that a release changes no golden.
   */
  private static void check(String golden, String generated) {
    String actual = generated.replace(GeneratedFormat.PROCESSOR_VERSION, "@version@");
    Path file = GOLDENS.resolve(golden);
    try {
      if (UPDATE) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      assertEquals(
          expected,
          actual,
          golden + " differs from its golden; see GoldenTest's Javadoc to regenerate");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read golden " + file + "; see GoldenTest's Javadoc to create it", e);
    }
  }
}
