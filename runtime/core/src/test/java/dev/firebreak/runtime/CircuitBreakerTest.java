package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closed → open → half-open → closed/open, shared by name, on a virtual clock. */
class CircuitBreakerTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<FirebreakEvent> events = new ArrayList<>();
  private final FirebreakRuntime runtime =
      FirebreakRuntime.builder()
          .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
          .executor(Runnable::run)
          .scheduler(clock)
          .listener(events::add)
          .build();
  private final AtomicInteger calls = new AtomicInteger();

  private static CircuitBreakerPolicy breaker(String name, int threshold, int trials) {
    return new CircuitBreakerPolicy(
        name, threshold, Duration.ofSeconds(30), trials, List.of(Exception.class), List.of());
  }

  /** A step that fails when its input is "fail", succeeds otherwise. */
  private BoundEntryPoint entry(String flow, CircuitBreakerPolicy policy) {
    return Flow.of(flow, 1)
        .step(
            StepDescriptor.builder("call").inputs(0).circuitBreaker(policy),
            sync(
                (s, ctx) -> {
                  calls.incrementAndGet();
                  if (s[0].equals("fail")) {
                    throw new IOException("service error");
                  }
                  return "ok";
                }))
        .bind(runtime);
  }

  private CircuitBreakerState state(String name) {
    return runtime.circuitBreakerState(name).orElseThrow();
  }

  @Test
  void opensAfterThresholdConsecutiveFailuresThenFailsFastWithoutCallingTheAgent() {
    BoundEntryPoint e = entry("open", breaker("api", 4, 1));
    for (int i = 0; i < 3; i++) {
      e.runForResult(null, "fail");
    }
    assertEquals(CircuitBreakerState.CLOSED, state("api"));
    e.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.OPEN, state("api"));
    calls.set(0);
    WorkflowResult<Object> fast = e.runForResult(null, "ok");
    assertEquals(0, calls.get(), "an open breaker does not invoke the agent");
    assertInstanceOf(CircuitOpenException.class, fast.failure());
    assertEquals(DeadLetterReason.CIRCUIT_OPEN, runtime.deadLetters().list().get(4).reason());
  }

  @Test
  void aSuccessInBetweenResetsTheCount() {
    BoundEntryPoint e = entry("reset", breaker("reset-api", 4, 1));
    for (int i = 0; i < 3; i++) {
      e.runForResult(null, "fail");
    }
    e.runForResult(null, "ok");
    for (int i = 0; i < 3; i++) {
      e.runForResult(null, "fail");
    }
    assertEquals(CircuitBreakerState.CLOSED, state("reset-api"));
  }

  @Test
  void halfOpensAfterOpenForAndClosesWhenTheTrialsSucceed() {
    BoundEntryPoint e = entry("half", breaker("half-api", 1, 2));
    e.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.OPEN, state("half-api"));
    clock.advance(Duration.ofSeconds(29));
    calls.set(0);
    e.runForResult(null, "ok");
    assertEquals(0, calls.get(), "still open before openFor");
    clock.advance(Duration.ofSeconds(1));
    e.runForResult(null, "ok");
    assertEquals(CircuitBreakerState.HALF_OPEN, state("half-api"));
    e.runForResult(null, "ok");
    assertEquals(CircuitBreakerState.CLOSED, state("half-api"));
    assertEquals(2, calls.get());
    assertEquals(
        List.of("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED"),
        events.stream()
            .filter(ev -> ev instanceof FirebreakEvent.BreakerTransition)
            .map(ev -> (FirebreakEvent.BreakerTransition) ev)
            .map(t -> t.from() + "->" + t.to())
            .toList());
  }

  @Test
  void halfOpenLetsOnlyItsTrialsThroughAndOneFailureReopensForAFreshOpenFor() {
    List<CompletableFuture<String>> pending = new ArrayList<>();
    BoundEntryPoint e =
        Flow.of("trials", 1)
            .step(
                StepDescriptor.builder("call").inputs(0).circuitBreaker(breaker("trial-api", 1, 2)),
                async(
                    (s, ctx) -> {
                      if (s[0].equals("fail")) {
                        return CompletableFuture.failedFuture(new IOException("down"));
                      }
                      CompletableFuture<String> f = new CompletableFuture<>();
                      pending.add(f);
                      return f;
                    }))
            .bind(runtime);
    e.runForResult(null, "fail");
    clock.advance(Duration.ofSeconds(30));
    CompletionStage<WorkflowResult<String>> first = e.runAsyncForResult(null, "a");
    CompletionStage<WorkflowResult<String>> second = e.runAsyncForResult(null, "b");
    WorkflowResult<String> third =
        e.<String>runAsyncForResult(null, "c").toCompletableFuture().join();
    assertEquals(2, pending.size(), "two trials pass");
    assertInstanceOf(
        CircuitOpenException.class, third.failure(), "a third concurrent call fails fast");
    pending.get(0).complete("ok");
    pending.get(1).completeExceptionally(new IOException("still down"));
    assertEquals(WorkflowStatus.COMPLETED, first.toCompletableFuture().join().status());
    assertEquals(WorkflowStatus.FAILED, second.toCompletableFuture().join().status());
    assertEquals(CircuitBreakerState.OPEN, state("trial-api"));
    clock.advance(Duration.ofSeconds(29));
    assertInstanceOf(
        CircuitOpenException.class, e.runForResult(null, "d").failure(), "open for a fresh 30 s");
  }

  @Test
  void skipOnWinsOverFailOnAndASkippedExceptionIsNotAFailure() {
    CircuitBreakerPolicy policy =
        new CircuitBreakerPolicy(
            "skip-api",
            1,
            Duration.ofSeconds(30),
            1,
            List.of(IOException.class),
            List.of(java.io.FileNotFoundException.class));
    BoundEntryPoint e =
        Flow.of("skip", 1)
            .step(
                StepDescriptor.builder("call").inputs(0).circuitBreaker(policy),
                sync(
                    (s, ctx) -> {
                      throw (Exception) s[0];
                    }))
            .bind(runtime);
    e.runForResult(null, new java.io.FileNotFoundException("skipped"));
    e.runForResult(null, new IllegalStateException("not in failOn"));
    assertEquals(CircuitBreakerState.CLOSED, state("skip-api"));
    e.runForResult(null, new IOException("counted"));
    assertEquals(CircuitBreakerState.OPEN, state("skip-api"));
  }

  @Test
  void aTimeoutInsideTheBreakerCountsAsAFailure() {
    BoundEntryPoint e =
        Flow.of("timeout", 1)
            .step(
                StepDescriptor.builder("call").inputs(0).circuitBreaker(breaker("slow-api", 1, 1)),
                Duration.ofSeconds(1),
                async((s, ctx) -> new CompletableFuture<>()))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = e.runAsyncForResult(null, "x");
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(StepTimeoutException.class, run.toCompletableFuture().join().failure());
    assertEquals(CircuitBreakerState.OPEN, state("slow-api"));
  }

  @Test
  void oneBreakerPerNameIsSharedByStepsOfDifferentWorkflows() {
    CircuitBreakerPolicy shared = breaker("ocr-api", 2, 1);
    BoundEntryPoint invoices = entry("invoices", shared);
    BoundEntryPoint receipts = entry("receipts", shared);
    invoices.runForResult(null, "fail");
    receipts.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.OPEN, state("ocr-api"), "failures from both workflows count");
    calls.set(0);
    invoices.runForResult(null, "ok");
    assertEquals(0, calls.get());
  }

  @Test
  void aRateBasedBreakerOpensOnTheShareOfFailuresOverAFullWindow() {
    CircuitBreakerPolicy rate =
        new CircuitBreakerPolicy(
            "rate-api", 1, Duration.ofSeconds(30), 1, 0.5, 4, List.of(Exception.class), List.of());
    BoundEntryPoint e = entry("rate", rate);
    // fail, ok, fail: 2 failures but only 3 calls — the window is not full yet.
    e.runForResult(null, "fail");
    e.runForResult(null, "ok");
    e.runForResult(null, "fail");
    assertEquals(
        CircuitBreakerState.CLOSED, state("rate-api"), "consecutive failures do not matter here");
    // A fourth call fills the window: fail, ok, fail, ok = 50 % -> opens.
    e.runForResult(null, "ok");
    assertEquals(CircuitBreakerState.OPEN, state("rate-api"));
  }

  @Test
  void aRateBasedBreakerStaysClosedBelowItsRatio() {
    CircuitBreakerPolicy rate =
        new CircuitBreakerPolicy(
            "rate-api-2",
            1,
            Duration.ofSeconds(30),
            1,
            0.5,
            4,
            List.of(Exception.class),
            List.of());
    BoundEntryPoint e = entry("rate2", rate);
    for (String input : List.of("fail", "ok", "ok", "ok", "fail", "ok", "ok", "ok")) {
      e.runForResult(null, input);
    }
    assertEquals(
        CircuitBreakerState.CLOSED,
        state("rate-api-2"),
        "never more than 1 failure in any 4 calls");
  }

  @Test
  void anOpenBreakerEndsTheRetriesAtOnce() {
    RetryPolicy manyRetries =
        new RetryPolicy(
            10,
            Duration.ofMillis(100),
            1.0,
            Duration.ofSeconds(1),
            0,
            List.of(Exception.class),
            List.of(),
            null);
    BoundEntryPoint e =
        Flow.of("hammer", 1)
            .step(
                StepDescriptor.builder("call")
                    .inputs(0)
                    .retry(manyRetries)
                    .circuitBreaker(breaker("hammer-api", 3, 1)),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      throw new UncheckedIOException(new IOException("down"));
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = e.runAsyncForResult(null, "x");
    clock.advance(Duration.ofSeconds(5));
    WorkflowResult<Object> result = run.toCompletableFuture().join();
    assertEquals(3, calls.get(), "no hammering once the breaker opened");
    assertEquals(4, result.attempts().get("call"), "the fourth attempt met the open breaker");
    assertInstanceOf(CircuitOpenException.class, result.failure());
  }

  private List<String> transitions() {
    return events.stream()
        .filter(ev -> ev instanceof FirebreakEvent.BreakerTransition)
        .map(ev -> (FirebreakEvent.BreakerTransition) ev)
        .map(t -> t.breaker() + ":" + t.from() + "->" + t.to())
        .toList();
  }

  @Test
  void anOperatorOpensABreakerThatThenFailsFastForOpenForAndHalfOpensAsUsual() {
    BoundEntryPoint e = entry("forced", breaker("forced-api", 5, 1));
    e.runForResult(null, "ok");
    assertEquals(
        java.util.Map.of("forced-api", CircuitBreakerState.CLOSED), runtime.circuitBreakers());

    org.junit.jupiter.api.Assertions.assertTrue(runtime.forceOpen("forced-api"));
    assertEquals(
        java.util.Map.of("forced-api", CircuitBreakerState.OPEN), runtime.circuitBreakers());
    calls.set(0);
    assertInstanceOf(CircuitOpenException.class, e.runForResult(null, "ok").failure());
    assertEquals(0, calls.get(), "forced open, the agent is not called");

    clock.advance(Duration.ofSeconds(20));
    org.junit.jupiter.api.Assertions.assertTrue(runtime.forceOpen("forced-api"));
    clock.advance(Duration.ofSeconds(20));
    assertInstanceOf(
        CircuitOpenException.class,
        e.runForResult(null, "ok").failure(),
        "forcing an open breaker open again starts its openFor again");
    clock.advance(Duration.ofSeconds(10));
    assertEquals(WorkflowStatus.COMPLETED, e.runForResult(null, "ok").status(), "the trial");
    assertEquals(CircuitBreakerState.CLOSED, state("forced-api"));
    assertEquals(
        List.of(
            "forced-api:CLOSED->OPEN",
            "forced-api:OPEN->HALF_OPEN",
            "forced-api:HALF_OPEN->CLOSED"),
        transitions());
  }

  @Test
  void anOperatorClosesAnOpenBreakerAndItsFailureCountStartsAfresh() {
    BoundEntryPoint e = entry("closing", breaker("closing-api", 2, 1));
    e.runForResult(null, "fail");
    e.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.OPEN, state("closing-api"));

    org.junit.jupiter.api.Assertions.assertTrue(runtime.forceClosed("closing-api"));
    assertEquals(CircuitBreakerState.CLOSED, state("closing-api"));
    calls.set(0);
    assertEquals(WorkflowStatus.COMPLETED, e.runForResult(null, "ok").status());
    assertEquals(1, calls.get(), "closed before openFor ended, the agent is called again");
    e.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.CLOSED, state("closing-api"), "one failure of two");
    assertEquals(List.of("closing-api:CLOSED->OPEN", "closing-api:OPEN->CLOSED"), transitions());
  }

  @Test
  void forcingABreakerNoStepUsesSaysSo() {
    org.junit.jupiter.api.Assertions.assertFalse(runtime.forceOpen("nobody"));
    org.junit.jupiter.api.Assertions.assertFalse(runtime.forceClosed("nobody"));
    assertEquals(java.util.Map.of(), runtime.circuitBreakers());
  }
}
