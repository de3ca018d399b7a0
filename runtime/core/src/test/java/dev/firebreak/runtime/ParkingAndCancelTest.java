package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Runs that wait for an open circuit instead of failing, and runs cancelled mid-flight. */
class ParkingAndCancelTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();
  private final List<FirebreakEvent> events = Collections.synchronizedList(new ArrayList<>());

  private FirebreakRuntime runtime(int maxParked) {
    return FirebreakRuntime.builder()
        .executor(Runnable::run)
        .scheduler(clock)
        .checkpointStore(store)
        .listener(events::add)
        .maxParkedRunsPerBreaker(maxParked)
        .build();
  }

  private static CircuitBreakerPolicy breaker() {
    return new CircuitBreakerPolicy(
        "ocr-api", 1, Duration.ofSeconds(30), 1, List.of(Exception.class), List.of());
  }

  /** extract (checkpointed) → ocr (critical, behind the breaker): ocr fails while {@code down}. */
  private BoundEntryPoint flow(FirebreakRuntime runtime, AtomicBoolean down, AtomicInteger calls) {
    return Flow.of("park", 1)
        .step(
            StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
            sync((s, ctx) -> s[0] + "!"))
        .step(
            StepDescriptor.builder("ocr")
                .inputs(1)
                .circuitBreaker(breaker())
                .declaredBy("com.acme.OcrAgent#read"),
            sync(
                (s, ctx) -> {
                  calls.incrementAndGet();
                  if (down.get()) {
                    throw new IOException("ocr down");
                  }
                  return "read " + s[1];
                }))
        .bind(runtime);
  }

  @Test
  void aCheckpointedRunMeetingAnOpenCircuitIsParkedAndResumedWhenItHalfOpens() {
    FirebreakRuntime runtime = runtime(100);
    AtomicBoolean down = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry = flow(runtime, down, calls);
    assertEquals(
        WorkflowStatus.FAILED,
        entry.runForResult("first", "a").status(),
        "the failure that opens it");
    assertEquals(CircuitBreakerState.OPEN, runtime.circuitBreakerState("ocr-api").orElseThrow());

    CompletionStage<WorkflowResult<String>> parked = entry.runAsyncForResult("parked", "b");
    assertFalse(parked.toCompletableFuture().isDone());
    assertEquals(1, runtime.parkedRuns("ocr-api"));
    assertEquals(WorkflowStatus.PARKED, store.find("parked").orElseThrow().status());
    assertEquals(1, calls.get(), "a parked run does not call the agent");
    assertEquals(
        List.of("parked"),
        runtime.runs().list(RunQuery.all().parkedOn("ocr-api")).runs().stream()
            .map(RunSummary::runId)
            .toList());
    TimelineEntry park = runtime.runs().find("parked").orElseThrow().timeline("ocr").get(0);
    assertEquals(TimelineEntry.Kind.PARKED, park.kind());
    assertEquals("ocr-api", park.detail());

    down.set(false);
    clock.advance(Duration.ofSeconds(30));
    WorkflowResult<String> result = parked.toCompletableFuture().join();
    assertTrue(runtime.runs().list(RunQuery.all().parkedOn("ocr-api")).runs().isEmpty());
    assertEquals(
        List.of(TimelineEntry.Kind.PARKED, TimelineEntry.Kind.SUCCEEDED),
        runtime.runs().find("parked").orElseThrow().timeline("ocr").stream()
            .map(TimelineEntry::kind)
            .toList());
    assertEquals("read b!", result.output());
    assertEquals(WorkflowStatus.COMPLETED, result.status());
    assertEquals(1, result.attempts().get("ocr"), "waiting for the breaker is not an attempt");
    assertEquals(CircuitBreakerState.CLOSED, runtime.circuitBreakerState("ocr-api").orElseThrow());
    assertEquals(0, runtime.parkedRuns("ocr-api"));
    assertEquals(1, events.stream().filter(e -> e instanceof FirebreakEvent.RunParked).count());
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof FirebreakEvent.RunParked p
                        && p.step().equals("ocr")
                        && p.declaredBy().equals("com.acme.OcrAgent#read")),
        "the park names the step's declaring method");
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof FirebreakEvent.RunUnparked u
                        && u.declaredBy().equals("com.acme.OcrAgent#read")));
  }

  @Test
  void parkedRunsBeyondTheBoundAreDeadLetteredAsCircuitOpen() {
    FirebreakRuntime runtime = runtime(2);
    AtomicBoolean down = new AtomicBoolean(true);
    BoundEntryPoint entry = flow(runtime, down, new AtomicInteger());
    entry.runForResult("opener", "x");
    entry.runAsyncForResult("p1", "x");
    entry.runAsyncForResult("p2", "x");
    WorkflowResult<Object> overflow =
        entry.runAsyncForResult("p3", "x").toCompletableFuture().join();
    assertInstanceOf(CircuitOpenException.class, overflow.failure());
    assertEquals(DeadLetterReason.CIRCUIT_OPEN, runtime.deadLetters().list().get(1).reason());
    assertEquals(2, runtime.parkedRuns("ocr-api"));
  }

  @Test
  void aParkedRunStillHonoursItsDeadline() {
    FirebreakRuntime runtime = runtime(100);
    BoundEntryPoint entry =
        Flow.of("parkDeadline", 1)
            .step(
                StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> "e"))
            .step(
                StepDescriptor.builder("ocr").inputs(1).circuitBreaker(breaker()),
                sync(
                    (s, ctx) -> {
                      throw new IOException("down");
                    }))
            .deadline(Duration.ofSeconds(10))
            .bind(runtime);
    entry.runForResult("opener", "x");
    CompletionStage<WorkflowResult<Object>> parked = entry.runAsyncForResult("late", "x");
    clock.advance(Duration.ofSeconds(10));
    WorkflowResult<Object> result = parked.toCompletableFuture().join();
    assertInstanceOf(DeadlineExceededException.class, result.failure());
    assertEquals(0, runtime.parkedRuns("ocr-api"));
    assertEquals(DeadLetterReason.DEADLINE, runtime.deadLetters().list().get(1).reason());
  }

  @Test
  void aRunWithoutCheckpointsFailsFastOnAnOpenCircuitInsteadOfParking() {
    FirebreakRuntime runtime = runtime(100);
    BoundEntryPoint entry =
        Flow.of("noCheckpoint", 1)
            .step(
                StepDescriptor.builder("ocr").inputs(0).circuitBreaker(breaker()),
                sync(
                    (s, ctx) -> {
                      throw new IOException("down");
                    }))
            .bind(runtime);
    entry.runForResult(null, "x");
    assertInstanceOf(CircuitOpenException.class, entry.runForResult(null, "y").failure());
    assertEquals(0, runtime.parkedRuns("ocr-api"));
  }

  @Test
  void cancellingStopsRetriesAndCompensatesCompletedSteps() {
    FirebreakRuntime runtime = runtime(100);
    List<String> undone = new ArrayList<>();
    AtomicInteger attempts = new AtomicInteger();
    RetryPolicy retries =
        new RetryPolicy(
            10,
            Duration.ofSeconds(1),
            1.0,
            Duration.ofSeconds(1),
            0,
            List.of(Exception.class),
            List.of(),
            null);
    BoundEntryPoint entry =
        Flow.of("cancel", 1)
            .step(
                StepDescriptor.builder("post").inputs(0),
                sync((s, ctx) -> "P").compensation((out, s, ctx) -> undone.add("post")))
            .step(
                StepDescriptor.builder("notify").inputs(1).retry(retries),
                sync(
                    (s, ctx) -> {
                      attempts.incrementAndGet();
                      throw new IOException("flaky");
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult("c1", "x");
    clock.advance(Duration.ofMillis(1500));
    assertEquals(2, attempts.get());
    assertTrue(runtime.cancel("c1"));
    WorkflowResult<Object> result = run.toCompletableFuture().join();
    assertInstanceOf(RunCancelledException.class, result.failure());
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(List.of("post"), undone);
    clock.advance(Duration.ofMinutes(1));
    assertEquals(2, attempts.get(), "no retry after the cancel");
    assertEquals(0, runtime.deadLetters().size(), "a cancelled run is not a dead letter");
    assertFalse(runtime.cancel("c1"), "an ended run cannot be cancelled");
  }

  @Test
  void cancellingInterruptsARunningSyncStepAndCancelsAnAsyncOne() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      FirebreakRuntime runtime =
          FirebreakRuntime.builder().executor(pool).scheduler(clock).checkpointStore(store).build();
      CountDownLatch entered = new CountDownLatch(2);
      AtomicBoolean interrupted = new AtomicBoolean();
      CompletableFuture<String> stage = new CompletableFuture<>();
      BoundEntryPoint entry =
          Flow.of("cancelRunning", 1)
              .step(
                  StepDescriptor.builder("slow").inputs(0),
                  sync(
                      (s, ctx) -> {
                        entered.countDown();
                        try {
                          Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                          interrupted.set(true);
                          throw e;
                        }
                        return "late";
                      }))
              .step(
                  StepDescriptor.builder("remote").inputs(0),
                  async(
                      (s, ctx) -> {
                        entered.countDown();
                        return stage;
                      }))
              .step(StepDescriptor.builder("join").inputs(1, 2), sync((s, ctx) -> "never"))
              .bind(runtime);
      CompletionStage<WorkflowResult<Object>> run = entry.runAsyncForResult("c2", "x");
      assertTrue(entered.await(10, TimeUnit.SECONDS), "both steps are running");
      assertTrue(runtime.cancel("c2"));
      WorkflowResult<Object> result = run.toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertTrue(interrupted.get(), "the sync step was interrupted");
      assertTrue(stage.isCancelled(), "the async step's stage was cancelled");
      assertInstanceOf(RunCancelledException.class, result.failure());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cancellingAParkedRunReleasesItsPlace() {
    FirebreakRuntime runtime = runtime(100);
    BoundEntryPoint entry = flow(runtime, new AtomicBoolean(true), new AtomicInteger());
    entry.runForResult("opener", "x");
    CompletionStage<WorkflowResult<Object>> parked = entry.runAsyncForResult("waiting", "x");
    assertEquals(1, runtime.parkedRuns("ocr-api"));
    assertTrue(runtime.cancel("waiting"));
    assertInstanceOf(RunCancelledException.class, parked.toCompletableFuture().join().failure());
    assertEquals(0, runtime.parkedRuns("ocr-api"));
  }
}
