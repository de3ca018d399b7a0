package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.graph.StepDescriptor.NullOutput;
import dev.firebreak.runtime.graph.WorkflowGraph;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which outputs a step declares nullable, read as Dagger reads them: an annotation named {@code
 * Nullable} from any package on the method or its (type-use) return type; an {@code Optional}
 * output reads null as empty; anything else refuses null at run time.
 */
class NullOutputDeclarationTest {
  @Test
  void nullableAndOptionalOutputsAreDeclaredInTheDescriptorAndTheRestRefuseNull() throws Exception {
    Compilation compilation =
        Compiler.compile(
            Compiler.source(
                "Nullable",
                "import java.lang.annotation.*;",
                "@Retention(RetentionPolicy.CLASS) @Target({ElementType.METHOD, ElementType.TYPE_USE})",
                "public @interface Nullable {}"),
            Compiler.source(
                "Flow",
                "import dev.firebreak.annotations.*;",
                "import java.util.Optional;",
                "import java.util.concurrent.CompletionStage;",
                "public final class Flow {",
                "  public record A(String v) {}",
                "  public record B(String v) {}",
                "  public record C(String v) {}",
                "  public record D(String v) {}",
                "  public static class Agent {",
                "    @Step @Nullable public A onMethod(String in) { return null; }",
                "    @Step public @Nullable B onType(A a) { return null; }",
                "    @Step public CompletionStage<@Nullable C> onStageArgument(B b) { return null; }",
                "    @Step public Optional<String> optional(C c) { return null; }",
                "    @Step public D plain(Optional<String> o) { return new D(\"d\"); }",
                "  }",
                "  @Workflow(agents = Agent.class)",
                "  public interface Wf { D run(String in); }",
                "}"));
    assertThat(compilation).succeeded();
    ClassLoader loader =
        new GeneratedCodeRunsTest.InMemoryClassLoader(
            compilation.generatedFiles(), getClass().getClassLoader());
    WorkflowGraph graph =
        (WorkflowGraph) loader.loadClass("test.FirebreakFlow_Wf").getField("GRAPH").get(null);
    Map<String, NullOutput> declared = new LinkedHashMap<>();
    for (StepDescriptor step : graph.entryPoint("run").steps()) {
      declared.put(step.name(), step.nullOutput());
    }
    assertEquals(
        Map.of(
            "onMethod",
            NullOutput.ALLOWED,
            "onType",
            NullOutput.ALLOWED,
            "onStageArgument",
            NullOutput.ALLOWED,
            "optional",
            NullOutput.EMPTY_OPTIONAL,
            "plain",
            NullOutput.REFUSED),
        declared);
  }
}
