package dev.firebreak.runtime.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.InvalidOutput;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The meters after real runs, read back from a Prometheus scrape. */
class FirebreakMetricsTest {

  @Test
  void theFiveSignalsAndRunsByStatusAreInTheScrape() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FirebreakMetrics metrics = FirebreakMetrics.on(registry);
    ManualScheduler clock = new ManualScheduler();
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(clock)
            .checkpointStore(new InMemoryCheckpointStore())
            .listener(metrics)
            .build();
    metrics.monitor(runtime);
    RetryPolicy twice =
        new RetryPolicy(
            2, Duration.ZERO, 1.0, Duration.ZERO, 0, List.of(Exception.class), List.of(), null);
    CircuitBreakerPolicy breaker =
        new CircuitBreakerPolicy(
            "ocr-api", 2, Duration.ofSeconds(30), 1, List.of(Exception.class), List.of());
    EntryPointPlan plan =
        new EntryPointPlan(
            "com.acme.InvoiceWorkflow",
            "process",
            List.of("java.lang.String"),
            List.of(
                StepDescriptor.builder("extract")
                    .declaredBy("com.acme.OcrAgent#extract")
                    .inputs(0)
                    .retry(twice)
                    .circuitBreaker(breaker)
                    .timeout(Duration.ofSeconds(5))
                    .build()),
            1,
            null,
            "h");
    var entry =
        runtime.bind(
            plan,
            List.of(
                StepBinding.sync(
                    (s, ctx) -> {
                      if (s[0].equals("bad")) {
                        throw new IOException("ocr down");
                      }

                      return "ok";
                    })));
    entry.runForResult(null, "good");
    entry.runForResult(
        null, "bad"); // 2 failed attempts: the breaker opens, a dead letter is written
    entry.runForResult(null, "good"); // refused by the open breaker

    String scrape = registry.scrape();
    assertTrue(
        scrape.contains(
            "firebreak_step_attempts_total{outcome=\"failure\",step=\"extract\",workflow=\"InvoiceWorkflow\"} 2.0"),
        scrape);
    assertTrue(
        scrape.contains(
            "firebreak_step_attempts_total{outcome=\"success\",step=\"extract\",workflow=\"InvoiceWorkflow\"} 1.0"),
        scrape);
    assertTrue(
        scrape.contains(
            "firebreak_step_attempts_total{outcome=\"circuit_open\",step=\"extract\",workflow=\"InvoiceWorkflow\"} 1.0"),
        scrape);
    assertTrue(
        scrape.contains(
            "firebreak_step_duration_seconds_bucket{step=\"extract\",workflow=\"InvoiceWorkflow\",le=\"+Inf\"} 3"),
        scrape);
    assertTrue(
        scrape.contains(
            "firebreak_retries_total{step=\"extract\",workflow=\"InvoiceWorkflow\"} 1.0"),
        scrape);
    assertTrue(scrape.contains("firebreak_breakers_open 1.0"), scrape);
    assertTrue(scrape.contains("firebreak_breaker_state{breaker=\"ocr-api\"} 2.0"), scrape);
    assertTrue(scrape.contains("firebreak_deadletters 2.0"), scrape);
    assertTrue(
        scrape.contains(
            "firebreak_runs_total{status=\"COMPLETED\",workflow=\"InvoiceWorkflow\"} 1.0"),
        scrape);
    assertTrue(
        scrape.contains("firebreak_runs_total{status=\"FAILED\",workflow=\"InvoiceWorkflow\"} 2.0"),
        scrape);
    assertTrue(scrape.contains("firebreak_runs_inflight 0.0"), scrape);
    assertEquals(-1, scrape.indexOf("run_id"), "no run ids in tags");
    assertEquals(
        -1, scrape.indexOf("OcrAgent"), "steps are tagged by name, not by declaring method");
  }

  @Test
  void anAnswerTheStepCouldNotUseIsCountedApartFromFailures() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(new ManualScheduler())
            .checkpointStore(new InMemoryCheckpointStore())
            .listener(FirebreakMetrics.on(registry))
            .build();
    RetryPolicy twice =
        new RetryPolicy(
            2, Duration.ZERO, 1.0, Duration.ZERO, 0, List.of(Exception.class), List.of(), null);
    EntryPointPlan plan =
        new EntryPointPlan(
            "com.acme.TriageWorkflow",
            "triage",
            List.of("java.lang.String"),
            List.of(
                StepDescriptor.builder("classify")
                    .inputs(0)
                    .retry(twice)
                    .timeout(Duration.ofSeconds(5))
                    .build()),
            1,
            null,
            "h");
    AtomicBoolean garbled = new AtomicBoolean(true);
    var entry =
        runtime.bind(
            plan,
            List.of(
                StepBinding.sync(
                    (s, ctx) -> {
                      if (garbled.getAndSet(false)) {
                        throw new Garbled();
                      }
                      throw new IOException("model down");
                    })));
    entry.runForResult(null, "ticket");

    String scrape = registry.scrape();
    assertTrue(
        scrape.contains(
            "firebreak_step_attempts_total{outcome=\"invalid_output\",step=\"classify\",workflow=\"TriageWorkflow\"} 1.0"),
        scrape);
    assertTrue(
        scrape.contains(
            "firebreak_step_attempts_total{outcome=\"failure\",step=\"classify\",workflow=\"TriageWorkflow\"} 1.0"),
        scrape);
  }

  /** An answer the step could not use. */
  static final class Garbled extends IllegalStateException implements InvalidOutput {
    Garbled() {
      super("the answer does not parse");
    }
  }
}
