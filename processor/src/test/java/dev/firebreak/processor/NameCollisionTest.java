package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import org.junit.jupiter.api.Test;

/**
 * Names the generated code declares never capture the user's: a parameter named like an entry
 * point's field, an agent whose field is named like a generated parameter ({@code out}) or a Java
 * keyword ({@code default}).
 */
class NameCollisionTest {

  @Test
  void generatedCodeCompilesAndRunsWhateverTheNames() throws Exception {
    Compilation compilation =
        Compiler.compile(
            Compiler.source(
                "Clash",
                "import dev.firebreak.annotations.Compensate;",
                "import dev.firebreak.annotations.Step;",
                "import dev.firebreak.annotations.Workflow;",
                "import dev.firebreak.runtime.FirebreakRuntime;",
                "public final class Clash {",
                "  public static final class Out {",
                "    @Step @Compensate(\"undo\")",
                "    public Integer parse(String text) { return text.length(); }",
                "    public void undo(Integer out) {}",
                "  }",
                "  public static final class Default {",
                "    @Step public Long twice(Integer n) { return n * 2L; }",
                "  }",
                "  @Workflow(agents = {Out.class, Default.class})",
                "  public interface Flow {",
                "    Long translate(String translate);",
                "  }",
                "  public static Long run(FirebreakRuntime runtime) {",
                "    return FirebreakClash_Flow.builder().out(new Out()).defaultAgent(new Default())",
                "        .runtime(runtime).build().translate(\"abc\");",
                "  }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().checkpointStore(new InMemoryCheckpointStore()).build()) {
      Object result =
          new GeneratedCodeRunsTest.InMemoryClassLoader(
                  compilation.generatedFiles(), getClass().getClassLoader())
              .loadClass("test.Clash")
              .getMethod("run", FirebreakRuntime.class)
              .invoke(null, runtime);
      assertEquals(6L, result);
    }
  }

  @Test
  void codecNamesNeverCollide() {
    Compilation compilation =
        Compiler.compile(
            Compiler.source(
                "Records",
                "import dev.firebreak.annotations.Checkpointed;",
                "import dev.firebreak.annotations.Step;",
                "import dev.firebreak.annotations.Workflow;",
                "import java.util.List;",
                "public final class Records {",
                "  public record Line(List<String> itemCodes) {}",
                "  public record LineItem(List<String> codes) {}",
                "  public record Counts(int quantity, Integer quantityBoxed, String in, String inValue) {}",
                "  public record Order(Line line, LineItem item, Counts counts) {}",
                "  public static final class Agent {",
                "    @Step @Checkpointed public Order order(String text) { return null; }",
                "  }",
                "  @Workflow(agents = Agent.class)",
                "  public interface Flow {",
                "    Order run(String text);",
                "  }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
  }
}
