package dev.firebreak.runtime.micrometer;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.CircuitOpenException;
import dev.firebreak.runtime.FirebreakEvent;
import dev.firebreak.runtime.FirebreakListener;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.InvalidOutput;
import dev.firebreak.runtime.RemoteFailureException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes a runtime's events as the five signals that matter, plus runs by status:
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>signal</th><th>meter</th><th>tags</th></tr>
 *   <tr><td>error rate per agent</td><td>{@code firebreak.step.attempts} (counter)</td>
 *       <td>workflow, step, outcome = success | failure | timeout | circuit_open</td></tr>
 *   <tr><td>p99 latency per step</td><td>{@code firebreak.step.duration} (timer with histogram buckets:
 *       {@code histogram_quantile(0.99, ...)})</td>
 *       <td>workflow, step</td></tr>
 *   <tr><td>open circuits</td><td>{@code firebreak.breakers.open} (gauge), {@code firebreak.breaker.state}
 *       (gauge: 0 closed, 1 half-open, 2 open)</td><td>breaker</td></tr>
 *   <tr><td>dead-letter size</td><td>{@code firebreak.deadletters} (gauge)</td><td>—</td></tr>
 *   <tr><td>retries per minute</td><td>{@code firebreak.retries} (counter; rate it)</td><td>workflow, step</td></tr>
 *   <tr><td>runs by status</td><td>{@code firebreak.runs} (counter), {@code firebreak.runs.inflight} (gauge)</td>
 *       <td>workflow, status</td></tr>
 * </table>
 *
 * <p>Tags are bounded by the graph — workflow (simple name), step, breaker, status, outcome — never
 * a run id or an input. A step is tagged by its name only: the events' {@code declaredBy} names the
 * same step and adds no series. Register it on the builder and then monitor the runtime:
 *
 * <pre>{@code
 * FirebreakMetrics metrics = FirebreakMetrics.on(registry);
 * FirebreakRuntime runtime = FirebreakRuntime.builder().listener(metrics).build();
 * metrics.monitor(runtime);
 * }</pre>
 */
public final class FirebreakMetrics implements FirebreakListener {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();
  private final Map<String, Integer> breakerStates = new ConcurrentHashMap<>();

  private FirebreakMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    Gauge.builder(
            "firebreak.breakers.open",
            breakerStates,
            states -> states.values().stream().filter(v -> v == 2).count())
        .description("Circuit breakers open now")
        .register(registry);
  }

  public static FirebreakMetrics on(MeterRegistry registry) {
    return new FirebreakMetrics(registry);
  }

  /** Adds the gauges read from the runtime itself: dead letters waiting, runs in flight. */
  public FirebreakMetrics monitor(FirebreakRuntime runtime) {
    Gauge.builder("firebreak.deadletters", runtime, r -> r.deadLetters().size())
        .description("Dead letters waiting for a human")
        .register(registry);
    Gauge.builder("firebreak.runs.inflight", runtime, FirebreakRuntime::inFlightRuns)
        .description("Runs admitted and not yet ended")
        .register(registry);
    return this;
  }

  private static String simple(String workflow) {
    return workflow.substring(workflow.lastIndexOf('.') + 1);
  }

  private Counter counter(String name, String description, String... tags) {
    String key = name + String.join("\u0000", tags);
    return counters.computeIfAbsent(
        key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }

  private Timer timer(String workflow, String step) {
    return timers.computeIfAbsent(
        workflow + "\u0000" + step,
        k ->
            Timer.builder("firebreak.step.duration")
                .description("Time of one attempt of a step")
                .tags("workflow", workflow, "step", step)
                // Buckets, not client-side quantiles: p99 per step is then histogram_quantile over
                // any window and any set of instances.
                .publishPercentileHistogram()
                .register(registry));
  }

  /** An answer the step could not use, here or in the worker a remote step ran in. */
  private static boolean isInvalidOutput(Throwable failure) {
    return failure instanceof InvalidOutput
        || (failure instanceof RemoteFailureException remote
            && remote.types().contains(InvalidOutput.class.getName()));
  }

  @Override
  public void onEvent(FirebreakEvent event) {
    if (event instanceof FirebreakEvent.AttemptSucceeded e) {
      String wf = simple(e.workflow());
      counter(
              "firebreak.step.attempts",
              "Attempts of a step by outcome",
              "workflow",
              wf,
              "step",
              e.step(),
              "outcome",
              "success")
          .increment();
      timer(wf, e.step()).record(e.elapsed());
    } else if (event instanceof FirebreakEvent.AttemptFailed e) {
      String wf = simple(e.workflow());
      String outcome =
          e.timedOut()
              ? "timeout"
              : e.failure() instanceof CircuitOpenException
                  ? "circuit_open"
                  : isInvalidOutput(e.failure()) ? "invalid_output" : "failure";
      counter(
              "firebreak.step.attempts",
              "Attempts of a step by outcome",
              "workflow",
              wf,
              "step",
              e.step(),
              "outcome",
              outcome)
          .increment();
      if (!outcome.equals("circuit_open")) {
        timer(wf, e.step()).record(e.elapsed());
      }
    } else if (event instanceof FirebreakEvent.RetryScheduled e) {
      counter(
              "firebreak.retries",
              "Retries scheduled",
              "workflow",
              simple(e.workflow()),
              "step",
              e.step())
          .increment();
    } else if (event instanceof FirebreakEvent.BreakerTransition e) {
      breakerStates.put(e.breaker(), code(e.to()));
      if (!registry
          .find("firebreak.breaker.state")
          .tag("breaker", e.breaker())
          .gauges()
          .iterator()
          .hasNext()) {
        Gauge.builder("firebreak.breaker.state", breakerStates, s -> s.getOrDefault(e.breaker(), 0))
            .description("0 closed, 1 half-open, 2 open")
            .tag("breaker", e.breaker())
            .register(registry);
      }
    } else if (event instanceof FirebreakEvent.RunFinished e) {
      counter(
              "firebreak.runs",
              "Runs ended, by status",
              "workflow",
              simple(e.workflow()),
              "status",
              e.status().name())
          .increment();
    } else if (event instanceof FirebreakEvent.RunParked e) {
      counter(
              "firebreak.runs.parked",
              "Runs parked on an open circuit breaker",
              "workflow",
              simple(e.workflow()))
          .increment();
    } else if (event instanceof FirebreakEvent.DeadLettered e) {
      counter(
              "firebreak.deadletters.added",
              "Dead letters written, by reason",
              "workflow",
              simple(e.letter().workflow()),
              "reason",
              e.letter().reason().name())
          .increment();
    }
  }

  private static int code(CircuitBreakerState state) {
    switch (state) {
      case OPEN:
        return 2;
      case HALF_OPEN:
        return 1;
      default:
        return 0;
    }
  }
}
