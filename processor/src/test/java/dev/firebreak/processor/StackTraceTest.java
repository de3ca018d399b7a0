package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowFailedException;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failing agent's stack trace passes through a method of the orchestrator named after its step.
 */
class StackTraceTest {

  @Test
  void theOrchestratorsFrameNamesTheStep() throws Exception {
    Compilation compilation =
        Compiler.compile(
            Compiler.source(
                "Trace",
                "import dev.firebreak.annotations.Step;",
                "import dev.firebreak.annotations.Workflow;",
                "import dev.firebreak.runtime.FirebreakRuntime;",
                "public final class Trace {",
                "  public static final class Parser {",
                "    @Step(name = \"parse-text\")",
                "    public Integer parse(String text) {",
                "      throw new IllegalStateException(\"unreadable\");",
                "    }",
                "  }",
                "  @Workflow(agents = Parser.class)",
                "  public interface Flow {",
                "    Integer run(String text);",
                "  }",
                "  public static Integer run(FirebreakRuntime runtime) {",
                "    return FirebreakTrace_Flow.builder().parser(new Parser()).runtime(runtime)",
                "        .build().run(\"x\");",
                "  }",
                "}"));
    assertThat(compilation).succeeded();
    Method run =
        new GeneratedCodeRunsTest.InMemoryClassLoader(
                compilation.generatedFiles(), getClass().getClassLoader())
            .loadClass("test.Trace")
            .getMethod("run", FirebreakRuntime.class);
    Throwable failure;
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().checkpointStore(new InMemoryCheckpointStore()).build()) {
      failure =
          assertThrows(InvocationTargetException.class, () -> run.invoke(null, runtime)).getCause();
    }
    assertTrue(failure instanceof WorkflowFailedException, failure.toString());
    Throwable agent = failure.getCause();
    assertEquals("unreadable", agent.getMessage());
    List<StackTraceElement> frames = Arrays.asList(agent.getStackTrace());
    assertEquals("test.Trace$Parser", frames.get(0).getClassName());
    assertEquals("parse", frames.get(0).getMethodName());
    assertEquals("test.FirebreakTrace_Flow", frames.get(1).getClassName(), frames.toString());
    assertEquals("parseText", frames.get(1).getMethodName(), "the frame is the step's");
    assertFalse(
        frames.stream()
            .filter(
                f ->
                    f.getClassName().startsWith("test.")
                        || f.getClassName().startsWith("dev.firebreak.runtime"))
            .anyMatch(f -> f.getMethodName().startsWith("lambda$")),
        "no anonymous frame between the caller and the agent: " + frames.subList(0, 12));
  }
}
