package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.firebreak.processor.Compiler.compile;
import static dev.firebreak.processor.Compiler.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Graph-level rejections: missing, duplicate and cyclic bindings, unproduced outputs. */
class GraphDiagnosticsTest {

  @Test
  void cycleIsReportedWithItsWholePath() {
    JavaFileObject src =
        source(
            "Cycle",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = Cycle.Agent.class)",
            "interface Cycle {",
            "  record A() {}",
            "  record B() {}",
            "  record C() {}",
            "  C run(String in);",
            "  class Agent {",
            "    @Step public A a(C c) { return new A(); }",
            "    @Step public B b(A a) { return new B(); }",
            "    @Step public C c(B b, String in) { return new C(); }",
            "  }",
            "}");
    Compilation compilation = compile(src);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[Firebreak/DependencyCycle] steps form a cycle:"
                + " a -[Cycle.A]-> b -[Cycle.B]-> c -[Cycle.C]-> a")
        .inFile(src)
        .onLineContaining("public A a(C c)");
  }

  @Test
  void aNullThatADegradedStepYieldsMustNotReachAPrimitive() {
    JavaFileObject src =
        source(
            "Degraded",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = Degraded.Agent.class)",
            "interface Degraded {",
            "  Long run(String in);",
            "  class Agent {",
            "    @Step @Critical(false) public Integer count(String in) { return 1; }",
            "    @Step public Long twice(int count) { return 2L * count; }",
            "  }",
            "}");
    Compilation compilation = compile(src);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[Firebreak/NullIntoPrimitive] parameter count of step Agent.twice(int) is the"
                + " primitive int, but step count may yield null (it is non-critical without a"
                + " fallback or orElse, and degrades to null): declare it Integer, or make count"
                + " critical or give it a fallback or an orElse")
        .inFile(src)
        .onLineContaining("public Long twice(int count)");
  }

  @Test
  void aNullableOutputMustNotBeAnEntryPointsPrimitiveOutput() {
    JavaFileObject src =
        source(
            "NullableOut",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = NullableOut.Agent.class)",
            "interface NullableOut {",
            "  @interface Nullable {}",
            "  long run(String in);",
            "  class Agent {",
            "    @Step @Nullable public Long size(String in) { return null; }",
            "  }",
            "}");
    Compilation compilation = compile(src);
    assertThat(compilation).failed();
    assertThat(compilation)
        .hadErrorContaining(
            "[Firebreak/NullIntoPrimitive] the output of entry point NullableOut.run(String) is"
                + " the primitive long, but step size may yield null (its output is @Nullable):"
                + " declare it Long, or drop @Nullable from size")
        .inFile(src)
        .onLineContaining("long run(String in);");
  }

  @Test
  void missingProducerNamesTheParameterAndSimilarBindings() {
    JavaFileObject src =
        source(
            "Missing",
            "import dev.firebreak.annotations.*;",
            "import java.util.List;",
            "@Workflow(agents = Missing.Agent.class)",
            "interface Missing {",
            "  record Order() {}",
            "  record Total() {}",
            "  Total run(List<String> lines);",
            "  class Agent {",
            "    @Step public Total total(List<Order> orders) { return new Total(); }",
            "  }",
            "}");
    Compilation compilation = compile(src);
    assertThat(compilation)
        .hadErrorContaining(
            "[Firebreak/MissingBinding] parameter orders of step Agent.total(List<Missing.Order>) has no producer for java.util.List<test.Missing.Order>. Similar bindings: java.util.List<java.lang.String>")
        .inFile(src)
        .onLineContaining("List<Order> orders");
  }
}
