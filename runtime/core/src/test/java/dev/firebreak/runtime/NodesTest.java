package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one SQLite file, each on its own manual time: a node whose time stands still is a
 * paused process (a long GC, SIGSTOP). Nobody calls resume: the nodes' heartbeats and sweeps do the
 * work.
 */
class NodesTest {
  private static final Duration LEASE = Duration.ofSeconds(6);

  @TempDir Path dir;
  private final ManualScheduler timeA = new ManualScheduler();
  private final ManualScheduler timeB = new ManualScheduler();
  private final AtomicInteger reservesA = new AtomicInteger();
  private final AtomicInteger chargesA = new AtomicInteger();
  private final AtomicInteger reservesB = new AtomicInteger();
  private final AtomicInteger chargesB = new AtomicInteger();
  private FirebreakRuntime a;
  private FirebreakRuntime b;

  @AfterEach
  void closeBoth() {
    for (FirebreakRuntime r : new FirebreakRuntime[] {a, b}) {
      if (r != null) {
        r.close();
        r.checkpointStore().close();
      }
    }
  }

  private FirebreakRuntime node(String id, ManualScheduler time) {
    return node(id, time, FirebreakRuntime.DEFAULT_MAX_IN_FLIGHT_RUNS);
  }

  private FirebreakRuntime node(String id, ManualScheduler time, int maxInFlightRuns) {
    return node(id, time, maxInFlightRuns, () -> {});
  }

  /**
   * A node whose store runs {@code afterClaim} once a sweep has claimed runs, before they start.
   */
  private FirebreakRuntime node(
      String id, ManualScheduler time, int maxInFlightRuns, Runnable afterClaim) {
    CheckpointStore store = SqliteStore.open(dir.resolve("shared.db"), id, LEASE, clockOf(timeB));
    return FirebreakRuntime.builder()
        .maxInFlightRuns(maxInFlightRuns)
        .executor(Runnable::run)
        .scheduler(time)
        .checkpointStore(
            new dev.firebreak.runtime.store.ForwardingCheckpointStore(store) {
              @Override
              public List<RunRecord> takeOver(java.util.Set<String> entryPoints, int max) {
                List<RunRecord> claimed = super.takeOver(entryPoints, max);
                if (!claimed.isEmpty()) {
                  afterClaim.run();
                }
                return claimed;
              }
            })
        .shutdownGracePeriod(Duration.ZERO)
        .shutdownHook(false)
        .build();
  }

  /**
   * reserve (checkpointed), then charge (checkpointed, 3 attempts 5 s apart): on node A, charge
   * fails its first attempt; on node B it succeeds.
   */
  private Flow payments(boolean onA, boolean chargeHangs) {
    RetryPolicy threeTimes = Flow.fixedRetry(3, Duration.ofSeconds(5));
    return Flow.of("pay", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("reserve").inputs(0).checkpointed(Codecs.STRING),
            sync(
                (s, ctx) -> {
                  (onA ? reservesA : reservesB).incrementAndGet();
                  return "reserved " + s[0];
                }))
        .step(
            StepDescriptor.builder("charge")
                .inputs(1)
                .retry(threeTimes)
                .checkpointed(Codecs.STRING),
            async(
                (s, ctx) -> {
                  if (!onA) {
                    chargesB.incrementAndGet();
                    return CompletableFuture.completedFuture("charged, " + s[1]);
                  }
                  chargesA.incrementAndGet();
                  return chargeHangs
                      ? new CompletableFuture<>()
                      : CompletableFuture.failedFuture(new IOException("gateway down"));
                }));
  }

  @Test
  void aNodePausedPastItsLeaseLosesItsRunAndStartsNoFurtherStepOfIt() throws Exception {
    a = node("node-a", timeA);
    CompletableFuture<WorkflowResult<Object>> onA =
        payments(true, false).bind(a).runAsyncForResult("pay-1", "order 7").toCompletableFuture();
    assertEquals(1, chargesA.get(), "charge failed once; its retry waits 5 s on A's time");

    // A stops here: its time stands still. B comes up and, by itself, takes the run over once A's
    // lease has ended, and finishes it from the checkpoint of reserve.
    b = node("node-b", timeB);
    payments(false, false).bind(b);
    advanceUntil(timeB, () -> status("pay-1") == WorkflowStatus.COMPLETED);
    assertTrue(timeB.elapsed().compareTo(LEASE.plusSeconds(3)) <= 0, "" + timeB.elapsed());
    assertEquals(0, reservesB.get(), "reserve was checkpointed: not run again");
    assertEquals(1, chargesB.get());

    // A resumes: all its timers are due at once. Its retry comes first, but A's lease is no longer
    // trusted, so it waits for the heartbeat, which finds the run taken over.
    timeA.advance(timeB.elapsed());
    advanceUntil(timeA, onA::isDone);
    ExecutionException lost =
        assertThrows(ExecutionException.class, () -> onA.get(0, TimeUnit.SECONDS));
    assertInstanceOf(RunTakenOverException.class, lost.getCause());
    assertEquals(1, chargesA.get(), "A started no further attempt of a run it had lost");
    assertEquals(
        "charged, reserved order 7",
        payments(false, false).bind(b).runForResult("pay-1", "order 7").output(),
        "B's result stands, and submitting the id again returns it");
  }

  @Test
  void aClosingNodeHandsItsRunsBackAndAnotherFinishesThem() throws Exception {
    b = node("node-b", timeB);
    payments(false, false).bind(b);
    a = node("node-a", timeA);
    dev.firebreak.runtime.generated.BoundEntryPoint payOnA = payments(true, true).bind(a);
    CompletableFuture<WorkflowResult<Object>> onA =
        payOnA.runAsyncForResult("pay-2", "order 8").toCompletableFuture();
    assertEquals(1, chargesA.get(), "charge hangs on A");

    a.close(); // grace period zero: the run is handed back at once
    ExecutionException handedBack =
        assertThrows(ExecutionException.class, () -> onA.get(5, TimeUnit.SECONDS));
    assertInstanceOf(RunHandedBackException.class, handedBack.getCause());
    assertEquals(WorkflowStatus.RUNNING, status("pay-2"), "not compensated nor dead-lettered");

    advanceUntil(timeB, () -> status("pay-2") == WorkflowStatus.COMPLETED);
    assertTrue(
        timeB.elapsed().compareTo(Duration.ofSeconds(3)) <= 0,
        "taken at B's next sweep, with no wait for A's lease: " + timeB.elapsed());
    assertEquals(0, reservesB.get());
    assertEquals(1, chargesB.get());
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> payOnA.runForResult("pay-3", "order 9"));
    assertTrue(refused.getMessage().contains("shutting down"), refused.getMessage());
  }

  @Test
  void aRunClaimedWhileCallersTakeTheLastRoomIsStillRun() throws Exception {
    dev.firebreak.runtime.generated.BoundEntryPoint[] hang =
        new dev.firebreak.runtime.generated.BoundEntryPoint[1];
    // Between B's claim and the start of what it claimed, a caller takes B's only room.
    b = node("node-b", timeB, 1, () -> hang[0].runAsyncForResult("filler", "x"));
    payments(false, false).bind(b);
    hang[0] =
        Flow.of("hang", 1)
            .inputCodecs(Codecs.STRING)
            .step(
                StepDescriptor.builder("wait").inputs(0),
                async((v, ctx) -> new CompletableFuture<>()))
            .bind(b);
    a = node("node-a", timeA);
    payments(true, true).bind(a).runAsyncForResult("pay-20", "order 20");
    a.close(); // hands pay-20 back

    advanceUntil(timeB, () -> status("pay-20") == WorkflowStatus.COMPLETED);
    assertEquals(1, chargesB.get(), "claimed, then run although B was full meanwhile");
    advanceUntil(timeB, () -> b.inFlightRuns() == 1); // the filler still holds its room
  }

  @Test
  void aSweepTakesNoMoreThanItsFreeAdmissionSoABacklogIsShared() throws Exception {
    b = node("node-b", timeB, 2);
    payments(false, false).bind(b);
    a = node("node-a", timeA);
    dev.firebreak.runtime.generated.BoundEntryPoint payOnA = payments(true, true).bind(a);
    for (int i = 0; i < 5; i++) {
      payOnA.runAsyncForResult("pay-" + (10 + i), "order " + i);
    }
    a.close(); // hands its five runs back
    timeB.advance(Duration.ofSeconds(2)); // B's next heartbeat, then its sweep
    List<String> ids = List.of("pay-10", "pay-11", "pay-12", "pay-13", "pay-14");
    advanceUntil(
        timeB,
        () -> ids.stream().filter(id -> status(id) == WorkflowStatus.COMPLETED).count() == 2);
    assertEquals(2, chargesB.get(), "B admits 2 runs at most: it took 2, and left 3 for others");
    assertEquals(3, ids.stream().filter(id -> status(id) == WorkflowStatus.RUNNING).count());
  }

  @Test
  void aStepThatFailsJustAfterAPauseDoesNotUndoARunTheNodeLost() throws Exception {
    AtomicInteger undoneOnA = new AtomicInteger();
    CompletableFuture<Object> chargeOnA = new CompletableFuture<>();
    a = node("node-a", timeA);
    CompletableFuture<WorkflowResult<Object>> onA =
        Flow.of("pay", 1)
            .inputCodecs(Codecs.STRING)
            .outputCodec(Codecs.STRING)
            .step(
                StepDescriptor.builder("reserve").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> "reserved " + s[0])
                    .compensation((out, slots, ctx) -> undoneOnA.incrementAndGet()))
            .step(
                StepDescriptor.builder("charge").inputs(1).checkpointed(Codecs.STRING),
                async((s, ctx) -> chargeOnA))
            .bind(a)
            .runAsyncForResult("pay-4", "order 4")
            .toCompletableFuture();

    b = node("node-b", timeB);
    Flow.of("pay", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("reserve").inputs(0).checkpointed(Codecs.STRING),
            sync((s, ctx) -> "reserved " + s[0]).compensation((out, slots, ctx) -> {}))
        .step(
            StepDescriptor.builder("charge").inputs(1).checkpointed(Codecs.STRING),
            async((s, ctx) -> CompletableFuture.completedFuture("charged, " + s[1])))
        .bind(b);
    advanceUntil(timeB, () -> status("pay-4") == WorkflowStatus.COMPLETED);

    // A resumes, and the charge it was waiting for fails at once, before A's heartbeat has run.
    timeA.advance(timeB.elapsed());
    chargeOnA.completeExceptionally(new IOException("gateway down"));
    ExecutionException lost =
        assertThrows(ExecutionException.class, () -> onA.get(10, TimeUnit.SECONDS));
    assertInstanceOf(RunTakenOverException.class, lost.getCause());
    assertEquals(0, undoneOnA.get(), "A did not compensate B's run");
    assertEquals(WorkflowStatus.COMPLETED, status("pay-4"));
  }

  @Test
  void eachProcessHasItsOwnNodeIdUnlessPinned() {
    FirebreakRuntime first =
        FirebreakRuntime.builder().sqlite(dir.resolve("one.db")).shutdownHook(false).build();
    FirebreakRuntime second =
        FirebreakRuntime.builder().sqlite(dir.resolve("one.db")).shutdownHook(false).build();
    FirebreakRuntime pinned =
        FirebreakRuntime.builder()
            .sqlite(dir.resolve("two.db"))
            .nodeId("orders-0")
            .shutdownHook(false)
            .build();
    try {
      assertNotEquals(first.nodeId(), second.nodeId());
      assertTrue(
          first.nodeId().contains("/" + ProcessHandle.current().pid() + "/"), first.nodeId());
      assertEquals("orders-0", pinned.nodeId());
    } finally {
      first.close();
      second.close();
      pinned.close();
    }
  }

  // -----------------------------------------------------------------------------------------------

  private WorkflowStatus status(String runId) {
    FirebreakRuntime any = b != null ? b : a;
    return any.checkpointStore().find(runId).map(RunRecord::status).orElse(null);
  }

  /**
   * Moves {@code time} on in 100 ms steps until {@code done} holds, giving the node's heartbeat
   * thread a moment after each step; fails after 30 s of manual time.
   */
  private static void advanceUntil(ManualScheduler time, BooleanSupplier done)
      throws InterruptedException {
    for (int step = 0; step < 300 && !done.getAsBoolean(); step++) {
      time.advance(Duration.ofMillis(100));
      for (int wait = 0; wait < 20 && !done.getAsBoolean(); wait++) {
        Thread.sleep(1);
      }
    }
    assertTrue(done.getAsBoolean(), "not reached within 30 s of manual time");
  }

  /** A wall clock that shows the manual scheduler's time: the store's leases run on it. */
  private static Clock clockOf(ManualScheduler time) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return time.now();
      }
    };
  }
}
