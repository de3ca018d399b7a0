package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * firebreak.<Workflow>.<step>.<policy>.<element> keys replace the annotations' values at bind time.
 */
class OverridesTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final AtomicInteger calls = new AtomicInteger();

  private FirebreakRuntime runtime(Map<String, String> overrides) {
    return FirebreakRuntime.builder()
        .executor(Runnable::run)
        .scheduler(clock)
        .checkpointStore(new InMemoryCheckpointStore())
        .overrides(overrides)
        .build();
  }

  /**
   * Workflow "Flow" (test.Flow), step "ocr": @Retry(maxAttempts = 2, delay = 1s), breaker "api".
   */
  private BoundEntryPoint bind(FirebreakRuntime runtime) {
    RetryPolicy retry =
        new RetryPolicy(
            2,
            Duration.ofSeconds(1),
            1.0,
            Duration.ofSeconds(10),
            0,
            List.of(Exception.class),
            List.of(),
            null);
    CircuitBreakerPolicy breaker =
        new CircuitBreakerPolicy(
            "api", 5, Duration.ofSeconds(30), 1, List.of(Exception.class), List.of());
    return Flow.of("run", 1)
        .step(
            StepDescriptor.builder("ocr").inputs(0).retry(retry).circuitBreaker(breaker),
            sync(
                (s, ctx) -> {
                  calls.incrementAndGet();
                  throw new IOException("down");
                }))
        .bind(runtime);
  }

  @Test
  void retryTimeoutAndBreakerValuesAreReplaced() {
    FirebreakRuntime runtime =
        runtime(
            Map.of(
                "firebreak.Flow.ocr.retry.maxAttempts", "4",
                "firebreak.Flow.ocr.retry.delay", "250ms",
                "firebreak.Flow.ocr.circuitBreaker.failureThreshold", "100"));
    BoundEntryPoint entry = bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "x");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(4, run.toCompletableFuture().join().attempts().get("ocr"));
    assertEquals(4, calls.get());
    assertEquals(
        CircuitBreakerState.CLOSED,
        runtime.circuitBreakerState("api").orElseThrow(),
        "threshold raised to 100");
    assertTrue(runtime.unusedOverrides().isEmpty());
  }

  @Test
  void retriesAndBreakersCanBeSwitchedOff() {
    FirebreakRuntime runtime =
        runtime(
            Map.of(
                "firebreak.Flow.ocr.retry.enabled", "false",
                "firebreak.Flow.ocr.circuitBreaker.enabled", "false"));
    bind(runtime).runForResult(null, "x");
    assertEquals(1, calls.get());
    assertTrue(runtime.circuitBreakerState("api").isEmpty());
  }

  @Test
  void propertiesAndSystemPropertiesWorkLikeAMap() {
    Properties props = new Properties();
    props.setProperty("firebreak.Flow.ocr.retry.maxAttempts", "1");
    props.setProperty("unrelated.key", "ignored");
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(clock)
            .checkpointStore(new InMemoryCheckpointStore())
            .overrides(props)
            .build();
    bind(runtime).runForResult(null, "x");
    assertEquals(1, calls.get());
  }

  @Test
  void badValuesFailAtBindNamingTheKey() {
    for (Map.Entry<String, String> bad :
        List.of(
            Map.entry("firebreak.Flow.ocr.retry.maxAttempts", "0"),
            Map.entry("firebreak.Flow.ocr.retry.multiplier", "0.5"),
            Map.entry("firebreak.Flow.ocr.retry.jitter", "2"),
            Map.entry("firebreak.Flow.ocr.retry.delay", "soon"),
            Map.entry("firebreak.Flow.ocr.retry.delay", "1m"),
            Map.entry("firebreak.Flow.ocr.timeout.value", "0s"),
            Map.entry("firebreak.Flow.ocr.circuitBreaker.halfOpenTrials", "0"),
            Map.entry("firebreak.Flow.ocr.retry.retries", "3"),
            Map.entry("firebreak.Flow.ocr.bulkhead.size", "3"))) {
      FirebreakRuntime runtime = runtime(Map.of(bad.getKey(), bad.getValue()));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> bind(runtime), bad.toString());
      assertTrue(
          e.getMessage().startsWith("Firebreak override " + bad.getKey() + ": "), e.getMessage());
    }
  }

  @Test
  void malformedKeysFailAtBuildAndUnknownStepsAreReported() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> runtime(Map.of("firebreak.Flow.ocr.retry", "3")));
    assertTrue(
        e.getMessage().contains("firebreak.<Workflow>.<step>.<policy>.<element>"), e.getMessage());
    FirebreakRuntime runtime = runtime(Map.of("firebreak.Flow.orc.retry.maxAttempts", "3"));
    bind(runtime);
    assertEquals(
        java.util.Set.of("firebreak.Flow.orc.retry.maxAttempts"), runtime.unusedOverrides());
  }
}
