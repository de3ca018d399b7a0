package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunDetails;
import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code @Critical(orElse)} through generated orchestrators: a step of every type with a constant
 * form fails, and yields the constant the processor parsed; the run ends COMPLETED_DEGRADED and its
 * timeline names each step and the default it used.
 */
class ConstantDefaultsTest {
  private static ClassLoader loader;

  @BeforeAll
  static void compile() {
    Compilation compilation =
        Compiler.compile(
            JavaFileObjects.forResource("fixtures/defaults/Defaults.java"),
            JavaFileObjects.forResource("fixtures/defaults/DefaultsDriver.java"));
    assertThat(compilation).succeededWithoutWarnings();
    loader =
        new GeneratedCodeRunsTest.InMemoryClassLoader(
            compilation.generatedFiles(), ConstantDefaultsTest.class.getClassLoader());
  }

  private static Object run(String entryPoint, FirebreakRuntime runtime, String runId)
      throws Exception {
    return loader
        .loadClass("test.defaults.DefaultsDriver")
        .getMethod(entryPoint, FirebreakRuntime.class, String.class)
        .invoke(null, runtime, runId);
  }

  private static FirebreakRuntime runtime() {
    return FirebreakRuntime.builder()
        .checkpointStore(new InMemoryCheckpointStore())
        .shutdownHook(false)
        .build();
  }

  /** Step name to what its degradation says it yielded. */
  private static Map<String, String> defaults(FirebreakRuntime runtime, String runId) {
    RunDetails run = runtime.runs().find(runId).orElseThrow();
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, run.run().status());
    return run.degradations().stream()
        .collect(Collectors.toMap(TimelineEntry::step, TimelineEntry::detail));
  }

  @Test
  void primitivesStringsAndEnumsYieldTheirConstants() throws Exception {
    try (FirebreakRuntime runtime = runtime()) {
      Object scalars = run("scalars", runtime, "scalars-1");
      assertEquals(
          "Scalars[aBoolean=true, aByte=-128, aShort=32767, anInt=-1, aLong=9000000000, aChar=',"
              + " aFloat=1.5, aDouble=-0.25, empty=, risk=UNKNOWN]",
          scalars.toString());
      Map<String, String> used = defaults(runtime, "scalars-1");
      assertEquals(10, used.size(), used.toString());
      assertEquals("default UNKNOWN", used.get("risk"));
      assertEquals("default -1", used.get("anInt"));
      assertEquals("default ", used.get("empty"), "the empty string, stated in quotes");
    }
  }

  @Test
  void numbersTimesDurationsAndUuidsYieldTheirConstants() throws Exception {
    try (FirebreakRuntime runtime = runtime()) {
      Object values = run("values", runtime, "values-1");
      assertEquals(
          "Values[amount=12.50, big=123456789012345678901234567890, pause=PT1M30S,"
              + " id=123e4567-e89b-12d3-a456-426614174000, at=2026-01-31T10:15:30.500Z,"
              + " day=2026-01-31, time=10:15:30, local=2026-01-31T10:15,"
              + " offset=2026-01-31T10:15:30+01:00, offsetTime=10:15:30-05:30,"
              + " zoned=2026-01-31T10:15:30+01:00[Europe/Paris], year=2026, month=2026-02,"
              + " monthDay=--02-29, period=P1Y2M3D]",
          values.toString());
      Map<String, String> used = defaults(runtime, "values-1");
      assertEquals(15, used.size(), used.toString());
      assertEquals("default 12.50", used.get("amount"));
      assertEquals("default PT1M30S", used.get("pause"));
    }
  }

  @Test
  void boxesAndPlainStringsYieldTheirConstantsAndFeedTheStepsAfter() throws Exception {
    try (FirebreakRuntime runtime = runtime()) {
      Object boxed = run("boxed", runtime, "boxed-1");
      assertEquals("Boxed[count=-1, text=n/a]", boxed.toString());
      assertEquals(
          Map.of("count", "default -1", "text", "default n/a"), defaults(runtime, "boxed-1"));
    }
  }

  @Test
  void theGeneratedCodeHoldsTypedConstantsNotTextToParse() throws Exception {
    String source =
        Compiler.compile(
                JavaFileObjects.forResource("fixtures/defaults/Defaults.java"),
                JavaFileObjects.forResource("fixtures/defaults/DefaultsDriver.java"))
            .generatedSourceFile("test.defaults.FirebreakDefaults_DefaultsWorkflow")
            .orElseThrow()
            .getCharContent(true)
            .toString();
    for (String expected :
        List.of(
            ".orElse(Defaults.Risk.UNKNOWN)",
            ".orElse(ZonedDateTime.ofStrict(LocalDateTime.of(LocalDate.of(2026, 1, 31)",
            ".orElse(BigDecimal.valueOf(1250L, 2))",
            ".orElse(9000000000L)",
            ".orElse('\\'')",
            ".orElse(new UUID(")) {
      assertTrue(source.contains(expected), expected + " in\n" + source);
    }
  }

  @Test
  void aSpaceIsACharAndADurationPastLongMillisecondsStillCompiles() throws Exception {
    javax.tools.JavaFileObject src =
        Compiler.source(
            "Edges",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = Edges.A.class)",
            "interface Edges {",
            "  record Out(char c, java.time.Duration d) {}",
            "  Out run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, orElse = \" \") public char c(Integer i) { return 'x'; }",
            "    @Step @Critical(value = false, orElse = \"200000000000d\")",
            "    public java.time.Duration d(Integer i) { return null; }",
            "    @Step public Out out(char c, java.time.Duration d) { return new Out(c, d); }",
            "  }",
            "}");
    Compilation compilation = Compiler.compile(src);
    assertThat(compilation).succeededWithoutWarnings();
    String generated =
        compilation
            .generatedSourceFile("test.FirebreakEdges")
            .orElseThrow()
            .getCharContent(true)
            .toString();
    assertTrue(generated.contains(".orElse(' ')"), generated);
    assertTrue(generated.contains(".orElse(Duration.ofSeconds(17280000000000000L, 0))"), generated);
  }
}
