package dev.firebreak.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import dev.firebreak.annotations.Workflow;
import dev.firebreak.runtime.FirebreakRuntime;
import jakarta.inject.Inject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * A user's application as a named module: the representative workflow compiles with the processor
 * on the module path and runs there on the SQLite default, and the engine package stays out of
 * reach.
 */
class ModularConsumerTest {

  private static final String MODULE =
      String.join(
          "\n",
          "module invoice.app {",
          "  requires dev.firebreak.runtime;",
          "  requires static dev.firebreak.annotations;",
          "}");

  @TempDir Path dir;

  @Test
  void aModularWorkflowCompilesAndRunsOnTheModulePath() throws Exception {
    Path sources = dir.resolve("src");
    fixture(sources, "Invoice.java");
    fixture(sources, "Driver.java");
    write(sources.resolve("module-info.java"), MODULE);
    write(
        sources.resolve("test/invoice/Main.java"),
        String.join(
            "\n",
            "package test.invoice;",
            "import dev.firebreak.runtime.FirebreakRuntime;",
            "import java.nio.file.Path;",
            "public final class Main {",
            "  public static void main(String[] args) throws Exception {",
            "    try (FirebreakRuntime runtime =",
            "        FirebreakRuntime.builder().sqlite(Path.of(args[0])).build()) {",
            "      for (Object output : Driver.run(runtime)) {",
            "        System.out.println(output);",
            "      }",
            "    }",
            "  }",
            "}"));
    Path classes = dir.resolve("classes");
    List<Diagnostic<? extends JavaFileObject>> errors = compile(sources, classes, modulePath());
    assertTrue(errors.isEmpty(), errors.toString());
    assertTrue(
        Files.exists(classes.resolve("test/invoice/FirebreakInvoice_InvoiceWorkflow.class")),
        "the processor ran inside the module");

    Path db = dir.resolve("invoice.db");
    List<String> path = new ArrayList<>(modulePath());
    path.add(0, classes.toString());
    path.add(location(org.sqlite.JDBC.class));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 22) {
      // sqlite-jdbc loads its native library: granted, as an app on Java 22+ should, or warned.
      command.add("--enable-native-access=org.xerial.sqlitejdbc");
    }
    command.addAll(
        List.of(
            "--module-path",
            String.join(File.pathSeparator, path),
            "--module",
            "invoice.app/test.invoice.Main",
            db.toString()));
    Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(app.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, app.exitValue(), out);
    List<String> lines = out.lines().filter(l -> !l.startsWith("SLF4J")).toList();
    assertEquals("AccountingEntry[id=E-1, amount=10.00, poNumber=PO-7]", lines.get(0), out);
    assertTrue(lines.get(1).contains("INV-9") && lines.get(1).contains("COMPLETED"), out);
    assertEquals("ValidatedAmounts[net=10.00, tax=0, total=10.00]", lines.get(2), out);
    assertTrue(Files.size(db) > 0, "the runs went to the SQLite file");
  }

  @Test
  void theEnginePackageIsNotVisibleToAModule() throws Exception {
    Path sources = dir.resolve("src");
    write(sources.resolve("module-info.java"), MODULE);
    write(
        sources.resolve("test/invoice/Reach.java"),
        String.join(
            "\n",
            "package test.invoice;",
            "import dev.firebreak.runtime.FirebreakRuntime;",
            "import dev.firebreak.runtime.internal.Engine;",
            "final class Reach {",
            "  FirebreakRuntime runtime;",
            "  Engine engine;",
            "}"));
    List<Diagnostic<? extends JavaFileObject>> errors =
        compile(sources, dir.resolve("classes"), modulePath());
    assertEquals(1, errors.size(), errors.toString());
    Diagnostic<? extends JavaFileObject> error = errors.get(0);
    assertEquals(3, error.getLineNumber());
    String message = error.getMessage(Locale.ROOT);
    assertTrue(
        message.contains("package dev.firebreak.runtime.internal is not visible")
            && message.contains("does not export it"),
        message);
    assertFalse(Files.exists(dir.resolve("classes/test/invoice/Reach.class")));
  }

  /** The runtime's jars (or class folders) and what it requires, as a module path. */
  private static List<String> modulePath() {
    return Stream.of(
            FirebreakRuntime.class, Workflow.class, Inject.class, JsonFactory.class, Logger.class)
        .map(ModularConsumerTest::location)
        .collect(Collectors.toList());
  }

  private static List<Diagnostic<? extends JavaFileObject>> compile(
      Path sources, Path classes, List<String> modulePath) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(sources)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).toList();
    }
    Files.createDirectories(classes);
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(
              null,
              fileManager,
              diagnostics,
              List.of(
                  "--module-path",
                  String.join(File.pathSeparator, modulePath),
                  "-d",
                  classes.toString()),
              null,
              fileManager.getJavaFileObjectsFromPaths(files));
      task.setProcessors(List.of(new FirebreakProcessor()));
      task.call();
    }
    return diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .collect(Collectors.toList());
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void fixture(Path sources, String file) throws IOException {
    try (InputStream in =
        ModularConsumerTest.class.getResourceAsStream("/fixtures/invoice/" + file)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("no fixture " + file));
      }
      write(
          sources.resolve("test/invoice").resolve(file),
          new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
