package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.firebreak.processor.Compiler.compile;
import static dev.firebreak.processor.Compiler.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A fallback or compensation that does not fit is reported twice: at the annotation value that
 * names it, and at the method itself, where the fix usually is.
 */
class PolicyMethodDiagnosticsTest {

  @Test
  void aFallbackThatDoesNotFitIsReportedAtItsNameAndAtTheMethod() {
    JavaFileObject src =
        source(
            "Fallbacks",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = Fallbacks.Agent.class)",
            "interface Fallbacks {",
            "  String run(Integer in);",
            "  class Agent {",
            "    @Step @Critical(value = false, fallback = \"guess\")",
            "    public String s(Integer in) { return \"\"; }",
            "    public Long guess(Integer in) { return 0L; }",
            "  }",
            "}");
    Compilation compilation = compile(src);
    assertThat(compilation).failed();
    String message =
        "[Firebreak/FallbackReturnType] fallback method Agent.guess(Integer) returns Long, but step"
            + " Agent.s(Integer) produces String: return String";
    assertThat(compilation)
        .hadErrorContaining(message)
        .inFile(src)
        .onLineContaining("fallback = \"guess\"");
    assertThat(compilation)
        .hadErrorContaining(message)
        .inFile(src)
        .onLineContaining("public Long guess(Integer in)");
  }

  @Test
  void aCompensationThatDoesNotFitIsReportedAtItsNameAndAtTheMethod() {
    JavaFileObject src =
        source(
            "Compensations",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = Compensations.Agent.class)",
            "interface Compensations {",
            "  String run(Integer in);",
            "  class Agent {",
            "    @Step @Compensate(\"undo\")",
            "    public String s(Integer in) { return \"\"; }",
            "    private void undo(String out) {}",
            "  }",
            "}");
    Compilation compilation = compile(src);
    assertThat(compilation).failed();
    String message =
        "[Firebreak/CompensationInaccessible] compensation method Agent.undo(String) must not be"
            + " private";
    assertThat(compilation)
        .hadErrorContaining(message)
        .inFile(src)
        .onLineContaining("@Compensate(\"undo\")");
    assertThat(compilation)
        .hadErrorContaining(message)
        .inFile(src)
        .onLineContaining("private void undo(String out)");
  }
}
