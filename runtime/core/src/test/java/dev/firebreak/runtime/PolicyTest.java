package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Retry, backoff, circuit breaking, degradation, compensation and deadlines, on a virtual clock
 * with a direct executor: every run is deterministic and nothing sleeps.
 */
class PolicyTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final List<FirebreakEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final FirebreakRuntime runtime =
      FirebreakRuntime.builder()
          .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
          .executor(Runnable::run)
          .scheduler(clock)
          .listener(events::add)
          .build();

  private static RetryPolicy retry(
      int attempts, String delay, double multiplier, String maxDelay, double jitter) {
    return new RetryPolicy(
        attempts,
        Duration.parse("PT" + delay),
        multiplier,
        Duration.parse("PT" + maxDelay),
        jitter,
        List.of(Exception.class),
        List.of(),
        null);
  }

  private static <T> WorkflowResult<T> done(CompletionStage<WorkflowResult<T>> stage) {
    CompletableFuture<WorkflowResult<T>> f = stage.toCompletableFuture();
    assertTrue(f.isDone(), "run should have ended");
    return f.join();
  }

  private List<Duration> attemptTimes(List<Duration> times) {
    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(times.get(i).minus(times.get(i - 1)));
    }
    return gaps;
  }

  @Test
  void exponentialBackoffIsCappedAndCountsEveryAttempt() {
    List<Duration> at = new ArrayList<>();
    BoundEntryPoint entry =
        Flow.of("backoff", 1)
            .step(
                StepDescriptor.builder("flaky").inputs(0).retry(retry(6, "0.5S", 2.0, "5S", 0.0)),
                sync(
                    (s, ctx) -> {
                      at.add(clock.elapsed());
                      throw new IOException("down " + ctx.attempt());
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofMinutes(1));
    WorkflowResult<Object> result = done(run);
    assertEquals(6, at.size(), "maxAttempts counts the first attempt");
    assertEquals(
        List.of(
            Duration.ofMillis(500),
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5)),
        attemptTimes(at));
    assertEquals("down 6", result.failure().getMessage(), "the last exception is the cause");
    assertEquals(6, result.attempts().get("flaky"));
    assertEquals(DeadLetterReason.RETRIES_EXHAUSTED, runtime.deadLetters().list().get(0).reason());
  }

  @Test
  void jitterKeepsEveryGapWithinItsBounds() {
    List<Duration> at = new ArrayList<>();
    BoundEntryPoint entry =
        Flow.of("jitter", 1)
            .step(
                StepDescriptor.builder("flaky").inputs(0).retry(retry(8, "1S", 2.0, "10S", 0.5)),
                sync(
                    (s, ctx) -> {
                      at.add(clock.elapsed());
                      throw new IOException("down");
                    }))
            .bind(runtime);
    for (int run = 0; run < 50; run++) {
      at.clear();
      CompletionStage<WorkflowResult<Object>> r = entry.runAsyncForResult(null, "in");
      clock.advance(Duration.ofMinutes(5));
      done(r);
      List<Duration> gaps = attemptTimes(at);
      for (int k = 0; k < gaps.size(); k++) {
        double base = Math.min(1000 * Math.pow(2, k), 10_000);
        long ms = gaps.get(k).toMillis();
        assertTrue(
            ms >= base * 0.5 - 1 && ms <= Math.min(base * 1.5, 10_000) + 1,
            "gap " + k + " = " + ms + "ms");
      }
    }
  }

  @Test
  void abortOnWinsOverRetryOnAndUnlistedExceptionsAreNotRetried() {
    class Parent extends IOException {}
    class Child extends Parent {}
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy policy =
        new RetryPolicy(
            5,
            Duration.ZERO,
            1.0,
            Duration.ZERO,
            0,
            List.of(IOException.class),
            List.of(Child.class),
            null);
    List<Exception> throwing =
        new ArrayList<>(List.of(new Child(), new IllegalStateException(), new Parent()));
    BoundEntryPoint entry =
        Flow.of("abort", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(policy),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      throw (Exception) s[0];
                    }))
            .bind(runtime);
    entry.runForResult(null, throwing.get(0));
    assertEquals(1, calls.getAndSet(0), "abortOn (child of a retryOn type) is not retried");
    entry.runForResult(null, throwing.get(1));
    assertEquals(1, calls.getAndSet(0), "an exception retryOn does not list is not retried");
    entry.runForResult(null, throwing.get(2));
    assertEquals(5, calls.get(), "retryOn is retried up to maxAttempts");
    assertEquals(
        List.of(
            DeadLetterReason.STEP_FAILED,
            DeadLetterReason.STEP_FAILED,
            DeadLetterReason.RETRIES_EXHAUSTED),
        runtime.deadLetters().list().stream().map(DeadLetter::reason).toList(),
        "only a failure its @Retry retries exhausts retries");
  }

  @Test
  void maxDurationBoundsTheAttempts() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy policy =
        new RetryPolicy(
            90,
            Duration.ofMillis(100),
            1.0,
            Duration.ofSeconds(1),
            0,
            List.of(Exception.class),
            List.of(),
            Duration.ofSeconds(1));
    BoundEntryPoint entry =
        Flow.of("budget", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(policy),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      throw new IOException();
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofMinutes(1));
    assertEquals(WorkflowStatus.FAILED, done(run).status());
    assertTrue(
        calls.get() < 11 && calls.get() >= 9,
        "attempts within a 1 s budget at 100 ms: " + calls.get());
  }

  @Test
  void asyncFailedStageIsRetriedLikeAThrow() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("async", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(3, "1S", 1.0, "1S", 0)),
                async(
                    (s, ctx) ->
                        calls.incrementAndGet() < 3
                            ? CompletableFuture.failedFuture(new IOException("stage failed"))
                            : CompletableFuture.completedFuture("ok")))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(2));
    WorkflowResult<String> result = done(run);
    assertEquals("ok", result.output());
    assertEquals(3, result.attempts().get("a"));
  }

  /** A failure whose source asked to be retried after {@code delay}, as HTTP Retry-After does. */
  static final class RateLimited extends IOException implements RetryAfter {
    private final Duration delay;

    RateLimited(Duration delay) {
      super("429 Too Many Requests");
      this.delay = delay;
    }

    @Override
    public java.util.Optional<Duration> retryAfter() {
      return java.util.Optional.of(delay);
    }
  }

  @Test
  void aRetryWaitsAtLeastTheDelayTheFailureAskedForFoundOnACause() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("retryAfter", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(3, "0.1S", 1.0, "1S", 0)),
                sync(
                    (s, ctx) -> {
                      if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException(
                            "wrapped", new RateLimited(Duration.ofSeconds(2)));
                      }
                      if (calls.get() == 2) {
                        throw new IOException("no ask: the backoff alone");
                      }
                      return "ok";
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofMillis(1999));
    assertEquals(1, calls.get(), "not before the 2 s the failure asked for");
    clock.advance(Duration.ofMillis(1));
    assertEquals(2, calls.get());
    clock.advance(Duration.ofMillis(100));
    assertEquals(3, calls.get(), "the next retry after its backoff");
    assertEquals("ok", done(run).output());
  }

  /** A failure no retry can mend. */
  static final class Refused extends IllegalStateException implements PermanentFailure {
    Refused() {
      super("401 Unauthorized");
    }
  }

  @Test
  void aPermanentFailureIsNeverRetriedWhateverRetryOnSays() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("permanent", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(3, "0.1S", 1.0, "1S", 0)),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      throw new Refused();
                    }))
            .bind(runtime);
    WorkflowResult<String> result = done(entry.runAsyncForResult(null, "in"));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(1, calls.get(), "retryOn = Exception.class, yet one call");
    assertInstanceOf(Refused.class, result.failure());
    assertEquals(DeadLetterReason.STEP_FAILED, runtime.deadLetters().list().get(0).reason());
  }

  @Test
  void anAttemptTheAgentMarksDegradedDegradesTheRunAndALaterAttemptStartsUndegraded() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("selfDegraded", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(2, "0.1S", 1.0, "1S", 0)),
                sync(
                    (s, ctx) -> {
                      IOException primaryDown = new IOException("primary down");
                      ctx.degraded("answered by backup", primaryDown);
                      if (calls.incrementAndGet() == 1) {
                        throw primaryDown; // this attempt's mark goes with it
                      }
                      return "from backup";
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult("self-1", "in");
    clock.advance(Duration.ofMillis(100));
    WorkflowResult<String> result = done(run);
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status());
    assertEquals(1, result.degradedSteps().size(), "marked by the attempt that succeeded only");
    assertEquals("primary down", result.degradedSteps().get(0).cause().getMessage());
    assertEquals(
        "answered by backup",
        runtime.runs().find("self-1").orElseThrow().degradations().get(0).detail());

    calls.set(5); // no failure: the mark of the attempt that succeeds is the only one
    BoundEntryPoint clean =
        Flow.of("undegraded", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(2, "0.1S", 1.0, "1S", 0)),
                sync(
                    (s, ctx) -> {
                      if (calls.incrementAndGet() == 6) {
                        ctx.degraded("answered by backup", new IOException("primary down"));
                        throw new IOException("the backup failed too");
                      }
                      return "from primary";
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> second = clean.runAsyncForResult(null, "in");
    clock.advance(Duration.ofMillis(100));
    assertEquals(WorkflowStatus.COMPLETED, done(second).status(), "a retry starts undegraded");
  }

  @Test
  void aCallThroughABreakerCountsOnTheBreakerStepsShareAndFailsFastOnceItIsOpen() throws Exception {
    CircuitBreakerPolicy policy =
        CircuitBreakerPolicy.builder("backup-model")
            .failureThreshold(2)
            .openFor(Duration.ofSeconds(30))
            .build();
    for (int i = 0; i < 2; i++) {
      assertThrows(
          IOException.class,
          () ->
              runtime.callThroughBreaker(
                  policy,
                  () -> {
                    throw new IOException("down");
                  }));
    }
    assertEquals(
        CircuitBreakerState.OPEN, runtime.circuitBreakerState("backup-model").orElseThrow());
    AtomicInteger called = new AtomicInteger();
    assertThrows(
        CircuitOpenException.class,
        () -> runtime.callThroughBreaker(policy, () -> called.incrementAndGet()));
    assertEquals(0, called.get(), "an open breaker fails fast");
    clock.advance(Duration.ofSeconds(30));
    assertEquals("ok", runtime.callThroughBreaker(policy, () -> "ok"), "its half-open trial");
    assertEquals(
        CircuitBreakerState.CLOSED, runtime.circuitBreakerState("backup-model").orElseThrow());
  }

  @Test
  void anAskedDelayPastTheDeadlineFailsTheStepInsteadOfWaiting() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("retryAfterDeadline", 1)
            .deadline(Duration.ofSeconds(10))
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(3, "0.1S", 1.0, "1S", 0)),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      throw new RateLimited(Duration.ofSeconds(60));
                    }))
            .bind(runtime);
    WorkflowResult<String> result = done(entry.runAsyncForResult(null, "in"));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(1, calls.get(), "no retry scheduled past the deadline");
    assertInstanceOf(DeadlineExceededException.class, result.failure(), result.toString());
  }

  @Test
  void asyncTimeoutCancelsTheStageAndEveryAttemptGetsAFreshTimeout() {
    List<CompletableFuture<String>> stages = new ArrayList<>();
    BoundEntryPoint entry =
        Flow.of("asyncTimeout", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(2, "1S", 1.0, "1S", 0)),
                Duration.ofSeconds(3),
                async(
                    (s, ctx) -> {
                      CompletableFuture<String> f = new CompletableFuture<>();
                      stages.add(f);
                      return f;
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofMillis(2999));
    assertEquals(1, stages.size());
    clock.advance(Duration.ofMillis(1));
    assertTrue(stages.get(0).isCancelled(), "a timed-out async step's stage is cancelled");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(2, stages.size(), "the retry starts after its backoff");
    clock.advance(Duration.ofMillis(2999));
    assertFalse(run.toCompletableFuture().isDone(), "the second attempt has its own 3 s");
    clock.advance(Duration.ofMillis(1));
    WorkflowResult<String> result = done(run);
    assertInstanceOf(StepTimeoutException.class, result.failure());
    assertTrue(stages.get(1).isCancelled());
  }

  @Test
  void seedCascadeATimeoutInBNeverFeedsDPartialData() {
    // A -> B -> C -> D, B times out: C and D must not run, and the run must say so.
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    BoundEntryPoint entry =
        Flow.of("cascade", 1)
            .step(
                StepDescriptor.builder("A").inputs(0),
                sync(
                    (s, ctx) -> {
                      ran.add("A");
                      return "a";
                    }))
            .step(
                StepDescriptor.builder("B").inputs(1),
                Duration.ofSeconds(1),
                async(
                    (s, ctx) -> {
                      ran.add("B");
                      return new CompletableFuture<>();
                    }))
            .step(
                StepDescriptor.builder("C").inputs(2),
                sync(
                    (s, ctx) -> {
                      ran.add("C");
                      return "c";
                    }))
            .step(
                StepDescriptor.builder("D").inputs(3),
                sync(
                    (s, ctx) -> {
                      ran.add("D");
                      return "d";
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult("seed", "in");
    clock.advance(Duration.ofSeconds(1));
    WorkflowResult<String> result = done(run);
    assertEquals(List.of("A", "B"), ran);
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals("B", result.failedStep());
    assertInstanceOf(TimeoutException.class, result.failure());
    DeadLetter letter = runtime.deadLetters().list().get(0);
    assertEquals("seed", letter.runId());
    assertEquals("B", letter.step());
    assertTrue(
        letter.errorChain().get(0).contains("timed out after PT1S"),
        letter.errorChain().toString());
  }

  @Test
  void seedCascadeANonCriticalBIsRetriedThenDegradedVisibly() {
    // The same chain with B non-critical: B is retried, then C and D get B's neutral default and
    // the run says which step degraded and why.
    List<String> received = Collections.synchronizedList(new ArrayList<>());
    BoundEntryPoint entry =
        Flow.of("cascadeDegraded", 1)
            .step(StepDescriptor.builder("A").inputs(0), sync((s, ctx) -> "a"))
            .step(
                StepDescriptor.builder("B")
                    .inputs(1)
                    .nonCritical(List.of())
                    .retry(retry(2, "1S", 1.0, "1S", 0)),
                Duration.ofSeconds(1),
                async((s, ctx) -> new CompletableFuture<>()))
            .step(
                StepDescriptor.builder("C").inputs(2),
                sync(
                    (s, ctx) -> {
                      received.add("C<-" + s[2]);
                      return "c";
                    }))
            .step(
                StepDescriptor.builder("D").inputs(3, 2),
                sync(
                    (s, ctx) -> {
                      received.add("D<-" + s[2]);
                      return "d";
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(3));
    WorkflowResult<String> result = done(run);
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status());
    assertEquals(2, result.attempts().get("B"), "B was retried before degrading");
    assertEquals(List.of("C<-[]", "D<-[]"), received);
    DegradedStep b = result.degradedSteps().get(0);
    assertEquals("B", b.step());
    assertInstanceOf(StepTimeoutException.class, b.cause());
  }

  @Test
  void nonCriticalStepYieldsItsNeutralDefaultDownstreamAndTheRunSaysDegraded() {
    BoundEntryPoint entry =
        Flow.of("degrade", 1)
            .step(
                StepDescriptor.builder("enrich").inputs(0).nonCritical(List.of()),
                sync(
                    (s, ctx) -> {
                      throw new IOException("enrichment down");
                    }))
            .step(StepDescriptor.builder("use").inputs(1), sync((s, ctx) -> "got " + s[1]))
            .bind(runtime);
    WorkflowResult<String> result = entry.runForResult(null, "in");
    assertEquals("got []", result.output());
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status());
    DegradedStep d = result.degradedSteps().get(0);
    assertEquals("enrich", d.step());
    assertFalse(d.fallbackUsed());
    assertEquals("enrichment down", d.cause().getMessage());
    assertEquals(List.of(), d.defaultUsed());
    assertEquals(0, runtime.deadLetters().size());
  }

  @Test
  void aStatedDefaultIsYieldedAndNamedOnTheResultAndTheTimeline() {
    BoundEntryPoint entry =
        Flow.of("stated", 1)
            .step(
                StepDescriptor.builder("risk").inputs(0).orElse("UNKNOWN"),
                sync(
                    (s, ctx) -> {
                      throw new IOException("scoring down");
                    }))
            .step(StepDescriptor.builder("use").inputs(1), sync((s, ctx) -> "risk " + s[1]))
            .bind(runtime);
    WorkflowResult<String> result = entry.runForResult("stated-1", "in");
    assertEquals("risk UNKNOWN", result.output());
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status());
    DegradedStep d = result.degradedSteps().get(0);
    assertEquals("UNKNOWN", d.defaultUsed());
    assertTrue(d.toString().startsWith("risk (default UNKNOWN) after"), d.toString());
    assertEquals(
        "default UNKNOWN",
        runtime.runs().find("stated-1").orElseThrow().degradations().get(0).detail());
  }

  @Test
  void fallbackRunsOnceAfterTheLastAttemptAndReceivesTheFailure() {
    AtomicInteger attempts = new AtomicInteger();
    List<Throwable> received = new ArrayList<>();
    StepBinding binding =
        sync((s, ctx) -> {
              attempts.incrementAndGet();
              throw new IOException("exact match failed " + ctx.attempt());
            })
            .fallback(
                (s, failure) -> {
                  received.add(failure);
                  assertEquals(3, attempts.get(), "fallback only after the last attempt");
                  return "suggested";
                });
    BoundEntryPoint entry =
        Flow.of("fallback", 1)
            .step(
                StepDescriptor.builder("match").inputs(0).retry(retry(3, "1S", 1.0, "1S", 0)),
                binding)
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(5));
    WorkflowResult<String> result = done(run);
    assertEquals("suggested", result.output());
    assertEquals(1, received.size());
    assertEquals("exact match failed 3", received.get(0).getMessage());
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status());
    assertTrue(result.degradedSteps().get(0).fallbackUsed());
  }

  @Test
  void criticalStepWhoseFallbackFailsFailsTheRun() {
    StepBinding binding =
        sync((s, ctx) -> {
              throw new IOException("primary");
            })
            .fallback(
                (s, failure) -> {
                  throw new IOException("backup");
                });
    BoundEntryPoint entry =
        Flow.of("fallbackFails", 1)
            .step(StepDescriptor.builder("a").inputs(0), binding)
            .bind(runtime);
    WorkflowResult<String> result = entry.runForResult(null, "in");
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals("primary", result.failure().getMessage());
    assertEquals("backup", result.failure().getSuppressed()[0].getMessage());
  }

  @Test
  void invalidInputIsNeverRetriedNeverCountedByTheBreakerAndDeadLettered() {
    AtomicInteger calls = new AtomicInteger();
    CircuitBreakerPolicy breaker =
        new CircuitBreakerPolicy(
            "validation", 1, Duration.ofSeconds(30), 1, List.of(Exception.class), List.of());
    BoundEntryPoint entry =
        Flow.of("invalid", 1)
            .step(
                StepDescriptor.builder("validate")
                    .inputs(0)
                    .nonCritical(null)
                    .retry(retry(5, "1S", 1, "1S", 0))
                    .circuitBreaker(breaker),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      if (s[0].equals("-1")) {
                        throw new InvalidInputException("amount -1 is impossible");
                      }
                      return s[0];
                    }))
            .bind(runtime);
    WorkflowResult<String> bad = entry.runForResult(null, "-1");
    assertEquals(1, calls.get());
    assertEquals(
        WorkflowStatus.FAILED, bad.status(), "bad input fails the run even in a non-critical step");
    assertEquals(DeadLetterReason.INVALID_INPUT, runtime.deadLetters().list().get(0).reason());
    assertEquals(
        CircuitBreakerState.CLOSED, runtime.circuitBreakerState("validation").orElseThrow());
    assertEquals("42", entry.runForResult(null, "42").output(), "other runs are unaffected");
  }

  @Test
  void compensationRunsInReverseCompletionOrderAndFailedCompensationIsFlagged() {
    List<String> undone = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ledgerReversals = new AtomicInteger();
    List<Duration> reversalTimes = Collections.synchronizedList(new ArrayList<>());
    BoundEntryPoint entry =
        Flow.of("saga", 1)
            .step(
                StepDescriptor.builder("reserve").inputs(0),
                sync((s, ctx) -> "R")
                    .compensation(
                        (out, s, ctx) -> undone.add("reserve:" + out + ":" + ctx.idempotencyKey())))
            .step(
                StepDescriptor.builder("post").inputs(1),
                sync((s, ctx) -> "P")
                    .compensation(
                        (out, s, ctx) -> {
                          undone.add("post");
                          reversalTimes.add(clock.elapsed());
                          if (s[0].equals("ledger-down")) {
                            ledgerReversals.incrementAndGet();
                            throw new IOException("ledger down");
                          }
                        }))
            .step(
                StepDescriptor.builder("notify").inputs(2),
                sync(
                    (s, ctx) -> {
                      throw new IllegalStateException("notify failed");
                    }))
            .bind(runtime);
    WorkflowResult<String> failed = entry.runForResult("r1", "ok");
    assertEquals(WorkflowStatus.FAILED, failed.status());
    assertEquals(List.of("post", "reserve:R:r1:reserve"), undone);
    assertTrue(failed.failedCompensations().isEmpty());
    assertEquals(
        DeadLetterReason.STEP_FAILED,
        runtime.deadLetters().list().get(0).reason(),
        "notify has no @Retry: it failed, it did not exhaust retries");

    undone.clear();
    reversalTimes.clear();
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult("r2", "ledger-down");
    clock.advance(Duration.ofSeconds(10));
    WorkflowResult<String> flagged = done(run);
    assertEquals(WorkflowStatus.COMPENSATION_FAILED, flagged.status());
    assertEquals(List.of("post"), flagged.failedCompensations());
    assertEquals(3, ledgerReversals.get(), "a failing compensation is retried");
    assertEquals(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)),
        attemptTimes(reversalTimes),
        "a step without @Retry has its compensation retried 3 times, 1 s then 2 s apart");
    assertEquals("reserve:R:r2:reserve", undone.get(undone.size() - 1), "the others still run");
    assertEquals(
        DeadLetterReason.COMPENSATION_FAILED, runtime.deadLetters().list().get(1).reason());
  }

  @Test
  void aRetryWhoseDelayWouldCrossTheDeadlineIsNotAttempted() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("deadline", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(5, "1.5S", 1.0, "2S", 0)),
                sync(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      assertEquals(
                          Duration.ofSeconds(2).minus(clock.elapsed()),
                          ctx.remaining().orElseThrow());
                      throw new IOException("slow service");
                    }))
            .deadline(Duration.ofSeconds(2))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(10));
    WorkflowResult<Object> result = done(run);
    assertEquals(
        2,
        calls.get(),
        "attempt at 0 s and 1.5 s; the next would start at 3 s, past the 2 s deadline");
    assertInstanceOf(DeadlineExceededException.class, result.failure());
    assertEquals("slow service", result.failure().getCause().getMessage());
    assertEquals(DeadLetterReason.DEADLINE, runtime.deadLetters().list().get(0).reason());
  }

  @Test
  void aStepTimeoutIsCappedAtTheRemainingDeadline() {
    BoundEntryPoint entry =
        Flow.of("cap", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                Duration.ofSeconds(30),
                async((s, ctx) -> new CompletableFuture<>()))
            .deadline(Duration.ofSeconds(5))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(5));
    WorkflowResult<Object> result = done(run);
    assertInstanceOf(DeadlineExceededException.class, result.failure());
  }

  @Test
  void aTimeoutIsNotRetriedWhenAbortOnListsIt() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy policy =
        new RetryPolicy(
            5,
            Duration.ofSeconds(1),
            1.0,
            Duration.ofSeconds(1),
            0,
            List.of(Exception.class),
            List.of(TimeoutException.class),
            null);
    BoundEntryPoint entry =
        Flow.of("abortTimeout", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(policy),
                Duration.ofSeconds(2),
                async(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      return new CompletableFuture<>();
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(30));
    assertInstanceOf(StepTimeoutException.class, done(run).failure());
    assertEquals(1, calls.get());
  }

  @Test
  void compensationAlsoRunsWhenTheRunDeadlineExpires() {
    List<String> undone = new ArrayList<>();
    BoundEntryPoint entry =
        Flow.of("deadlineSaga", 1)
            .step(
                StepDescriptor.builder("reserve").inputs(0),
                sync((s, ctx) -> "R").compensation((out, s, ctx) -> undone.add("reserve")))
            .step(
                StepDescriptor.builder("slow").inputs(1),
                Duration.ofMinutes(5),
                async((s, ctx) -> new CompletableFuture<>()))
            .deadline(Duration.ofSeconds(10))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(10));
    WorkflowResult<Object> result = done(run);
    assertInstanceOf(DeadlineExceededException.class, result.failure());
    assertEquals(List.of("reserve"), undone);
    assertEquals(DeadLetterReason.DEADLINE, runtime.deadLetters().list().get(0).reason());
  }

  @Test
  void eventsShowAttemptsRetriesAndTimeouts() {
    // Attempt 1 times out, attempt 2 throws IOException, attempt 3 succeeds.
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("events", 1)
            .step(
                StepDescriptor.builder("a").inputs(0).retry(retry(3, "1S", 1.0, "1S", 0)),
                Duration.ofSeconds(2),
                async(
                    (s, ctx) ->
                        switch (calls.incrementAndGet()) {
                          case 1 -> new CompletableFuture<>();
                          case 2 -> CompletableFuture.failedFuture(new IOException("io"));
                          default -> CompletableFuture.completedFuture("ok");
                        }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    clock.advance(Duration.ofSeconds(10));
    assertEquals("ok", done(run).output());
    assertEquals(3, count(FirebreakEvent.AttemptStarted.class));
    assertEquals(2, count(FirebreakEvent.RetryScheduled.class));
    assertEquals(
        1,
        events.stream()
            .filter(e -> e instanceof FirebreakEvent.AttemptFailed f && f.timedOut())
            .count());
    assertEquals(1, count(FirebreakEvent.AttemptSucceeded.class));
  }

  private long count(Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  @Test
  void aCheckpointedStepsSuccessorsSeeItsOutputOnlyAfterItIsStored() {
    dev.firebreak.runtime.store.InMemoryCheckpointStore store =
        new dev.firebreak.runtime.store.InMemoryCheckpointStore();
    FirebreakRuntime durable =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(clock)
            .checkpointStore(store)
            .build();
    List<Boolean> storedWhenNextRan = new ArrayList<>();
    BoundEntryPoint entry =
        Flow.of("durable", 1)
            .step(
                StepDescriptor.builder("a")
                    .inputs(0)
                    .checkpointed(dev.firebreak.runtime.codec.Codecs.STRING),
                sync((s, ctx) -> "A"))
            .step(
                StepDescriptor.builder("b").inputs(1),
                sync(
                    (s, ctx) -> {
                      storedWhenNextRan.add(
                          store.find(ctx.runId()).orElseThrow().outputs().containsKey("a"));
                      return "B";
                    }))
            .bind(durable);
    entry.run("d1", "in");
    assertEquals(List.of(true), storedWhenNextRan);
    assertNull(
        store.find("d1").orElseThrow().outputs().get("b"), "only checkpointed steps are stored");
  }
}
