package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent compiled earlier (from a library) whose step has a wrong shape: the processor never saw
 * its source, so the workflow's validation reports the shape itself rather than refusing the
 * workflow in silence.
 */
class LibraryAgentTest {
  @TempDir Path classes;

  @Test
  void aLibraryStepsShapeIsReportedOnTheWorkflowsBuild() throws IOException {
    Compilation library =
        javac()
            .compile(
                JavaFileObjects.forSourceLines(
                    "lib.Parser",
                    "package lib;",
                    "import dev.firebreak.annotations.Step;",
                    "public class Parser {",
                    "  @Step public static Integer parse(String text) { return text.length(); }",
                    "}"));
    assertThat(library).succeeded();
    for (JavaFileObject file : library.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        Path target = classes.resolve("lib/Parser.class");
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.write(target, in.readAllBytes());
        }
      }
    }
    List<File> classpath = new ArrayList<>();
    classpath.add(classes.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classpath.add(new File(entry));
    }
    Compilation workflow =
        javac()
            .withProcessors(new FirebreakProcessor())
            .withClasspath(classpath)
            .compile(
                Compiler.source(
                    "Flow",
                    "import dev.firebreak.annotations.Workflow;",
                    "@Workflow(agents = lib.Parser.class)",
                    "public interface Flow {",
                    "  Integer run(String text);",
                    "}"));
    assertThat(workflow).failed();
    assertThat(workflow)
        .hadErrorContaining(
            "[Firebreak/StepStatic] @Step method Parser.parse(String) must not be static");
  }
}
