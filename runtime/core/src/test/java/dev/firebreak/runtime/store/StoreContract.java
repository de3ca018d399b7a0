package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterPage;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CheckpointStore} and {@link DeadLetterQueue} must do; one subclass per store.
 */
public abstract class StoreContract implements KeyValuesContract {
  protected CheckpointStore store;
  protected DeadLetterQueue deadLetters;

  /** A fresh, empty store. */
  protected abstract CheckpointStore newStore() throws Exception;

  protected abstract DeadLetterQueue deadLettersOf(CheckpointStore store);

  /**
   * Another store on the same data, as another process would open it, owned by {@code owner} with
   * {@code lease} on {@code clock}; null for a store without leases.
   */
  protected CheckpointStore sameData(
      String owner, java.time.Duration lease, java.time.Clock clock) {
    return null;
  }

  @Override
  public CheckpointStore keyValueStore() {
    return store;
  }

  @Override
  public CheckpointStore keyValueStoreOnSameData(
      String owner, java.time.Duration lease, java.time.Clock clock) {
    return sameData(owner, lease, clock);
  }

  /** A wall clock the test moves. */
  protected static final class TestClock extends java.time.Clock {
    private volatile Instant now = Instant.parse("2026-11-24T10:00:00Z");

    public TestClock() {}

    public void advance(java.time.Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static final java.time.Duration LEASE = java.time.Duration.ofSeconds(6);

  @Test
  void breakerRecordsChangeByCompareAndSetOnTheirVersionAndEveryNodeReadsThem() {
    BreakerBoard board = store.breakerBoard().orElseThrow();
    BreakerBoard.Entry none = board.read(List.of("api")).get(0);
    assertEquals(BreakerBoard.Entry.closed("api"), none);

    var open = none.next(CircuitBreakerState.OPEN, 30_000, null, 0);
    assertEquals(open, board.swap(open));
    var lost = none.next(CircuitBreakerState.OPEN, 99_000, null, 0);
    assertEquals(open, board.swap(lost), "a swap from a stale version returns what is stored");

    var trial = open.next(CircuitBreakerState.HALF_OPEN, 30_000, "node-a", 60_000);
    assertEquals(trial, board.swap(trial));
    assertEquals(trial, board.swap(open.next(CircuitBreakerState.CLOSED, 0, null, 0)));
    assertEquals(
        List.of(trial, BreakerBoard.Entry.closed("other")), board.read(List.of("api", "other")));

    CheckpointStore other = sameData("node-b", LEASE, new TestClock());
    if (other != null) {
      try {
        assertEquals(
            List.of(trial), other.breakerBoard().orElseThrow().read(List.of("api")), "shared");
      } finally {
        other.close();
      }
    }
  }

  @Test
  void aDeadLetterIsFoundByItsRunId() {
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "process",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "charge",
            "com.acme.Pay#charge",
            3,
            List.of("java.io.IOException: gateway down"),
            Instant.parse("2026-12-01T10:00:00Z"),
            null));
    DeadLetter found = deadLetters.find("r1").orElseThrow();
    assertEquals("charge", found.step());
    assertEquals("com.acme.Pay#charge", found.declaredBy());
    assertEquals(List.of("java.io.IOException: gateway down"), found.errorChain());
    assertTrue(deadLetters.find("r2").isEmpty());
  }

  /** Whether this store hints the other nodes of a breaker's swap (NOTIFY, pub/sub). */
  protected boolean hintsBreakerSwaps() {
    return false;
  }

  @Test
  void aBreakerSwappedOnOneNodeIsHintedToTheOthers() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(hintsBreakerSwaps(), "this store only polls");
    CheckpointStore other = sameData("node-b", LEASE, new TestClock());
    java.util.concurrent.BlockingQueue<String> hints =
        new java.util.concurrent.LinkedBlockingQueue<>();
    try {
      BreakerBoard board = other.breakerBoard().orElseThrow();
      board.listen(hints::add);
      BreakerBoard.Entry open =
          BreakerBoard.Entry.closed("api").next(CircuitBreakerState.OPEN, 30_000, null, 0);
      // The listener subscribes on a thread of its own: swap until a hint arrives (bounded).
      String hint = null;
      for (int i = 0; i < 100 && hint == null; i++) {
        BreakerBoard.Entry stored = store.breakerBoard().orElseThrow().swap(open);
        open = stored.next(CircuitBreakerState.OPEN, 30_000 + i, null, 0);
        hint = hints.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      assertEquals("api", hint);
    } finally {
      other.close();
    }
  }

  @Test
  void aRunIsOwnedByOneNodeWhileTheNodesLeaseLives() {
    TestClock clock = new TestClock();
    CheckpointStore a = sameData("node-a", LEASE, clock);
    org.junit.jupiter.api.Assumptions.assumeTrue(a != null, "this store has no leases");
    CheckpointStore b = sameData("node-b", LEASE, clock);
    try {
      assertEquals("node-a", a.nodeId());
      a.heartbeat();
      a.open("r1", "wf", "process", "h", null);
      a.saveStep("r1", "s1", new byte[] {1}, 1);
      dev.firebreak.runtime.RunOwnedElsewhereException refused =
          assertThrows(
              dev.firebreak.runtime.RunOwnedElsewhereException.class,
              () -> b.open("r1", "wf", "process", "h", null));
      assertEquals("node-a", refused.owner());
      assertEquals(clock.instant().plus(LEASE), refused.leaseUntil());
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.saveStep("r1", "s2", new byte[] {2}, 1));
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.saveStatus("r1", WorkflowStatus.FAILED));
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.finish("r1", WorkflowStatus.COMPLETED, null, "s9", new byte[] {9}, 1));
      assertEquals(
          java.util.Set.of("s1"),
          a.find("r1").orElseThrow().outputs().keySet(),
          "the refused writes wrote nothing");
      assertEquals(WorkflowStatus.RUNNING, a.find("r1").orElseThrow().status());

      clock.advance(java.time.Duration.ofSeconds(4));
      assertTrue(a.heartbeat(), "renewed within its lease: continuous");
      clock.advance(java.time.Duration.ofSeconds(4));
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.open("r1", "wf", "process", "h", null),
          "a beat 4 s ago: its lease lives; one heartbeat renews every run of the node");

      clock.advance(java.time.Duration.ofSeconds(3));
      b.heartbeat();
      b.open("r1", "wf", "process", "h", null); // a is gone: its lease ended, b takes over
      b.saveStep("r1", "s2", new byte[] {2}, 1);
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> a.saveStep("r1", "s3", new byte[] {3}, 1),
          "the old owner can no longer write");
      assertFalse(a.heartbeat(), "a finds its lease had lapsed");
      assertEquals(java.util.Set.of(), a.confirm(List.of("r1")), "and that r1 is no longer its");
      b.finish("r1", WorkflowStatus.COMPLETED, null);
      assertEquals(
          WorkflowStatus.COMPLETED,
          a.open("r1", "wf", "process", "h", null).status(),
          "an ended run belongs to nobody: anyone may attach to it");
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aSweepTakesTheRunsOfGoneNodesOldestFirstInBatchesAndOnlyOfItsEntryPoints() {
    TestClock clock = new TestClock();
    CheckpointStore a = sameData("node-a", LEASE, clock);
    org.junit.jupiter.api.Assumptions.assumeTrue(a != null, "this store has no leases");
    CheckpointStore b = sameData("node-b", LEASE, clock);
    java.util.Set<String> bound = java.util.Set.of("wf#process");
    try {
      a.heartbeat();
      b.heartbeat();
      for (String id : List.of("r1", "r2", "r3")) {
        a.open(id, "wf", "process", "h", null);
        clock.advance(java.time.Duration.ofMillis(1));
      }
      a.open("r4", "other", "process", "h", null);
      assertEquals(List.of(), b.takeOver(bound, 10), "a lives: nothing to take");

      clock.advance(java.time.Duration.ofSeconds(7));
      b.heartbeat();
      assertEquals(List.of("r1", "r2"), ids(b.takeOver(bound, 2)));
      assertEquals(List.of("r3"), ids(b.takeOver(bound, 2)));
      assertEquals(List.of(), b.takeOver(bound, 2));
      assertEquals(
          java.util.Set.of("r4"),
          a.confirm(List.of("r1", "r2", "r3", "r4")),
          "a keeps only the run of an entry point b does not bind");
      b.saveStep("r2", "s1", new byte[] {1}, 1);
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  void aNodeThatLeavesHandsItsRunsBackForAtOnceTakeover() {
    TestClock clock = new TestClock();
    CheckpointStore a = sameData("node-a", LEASE, clock);
    org.junit.jupiter.api.Assumptions.assumeTrue(a != null, "this store has no leases");
    CheckpointStore b = sameData("node-b", LEASE, clock);
    try {
      a.heartbeat();
      b.heartbeat();
      a.open("r1", "wf", "process", "h", null);
      a.saveStep("r1", "s1", new byte[] {1}, 1);
      a.leave();
      List<dev.firebreak.runtime.RunRecord> taken = b.takeOver(java.util.Set.of("wf#process"), 10);
      assertEquals(List.of("r1"), ids(taken), "no wait for a's lease");
      assertEquals(java.util.Set.of("s1"), taken.get(0).outputs().keySet());
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> a.saveStep("r1", "s2", new byte[] {2}, 1));
    } finally {
      a.close();
      b.close();
    }
  }

  private static List<String> ids(List<dev.firebreak.runtime.RunRecord> runs) {
    return runs.stream().map(dev.firebreak.runtime.RunRecord::runId).toList();
  }

  @Test
  void aRestartedProcessWithTheSameNodeIdTakesItsRunsBackAtOnceOrFreesThemForItsSweep() {
    TestClock clock = new TestClock();
    CheckpointStore before = sameData("node-a", LEASE, clock);
    org.junit.jupiter.api.Assumptions.assumeTrue(before != null, "this store has no leases");
    before.heartbeat();
    before.open("r2", "wf", "process", "h", null);
    before.open("r3", "wf", "process", "h", null);
    before.close();
    CheckpointStore after = sameData("node-a", LEASE, clock);
    try {
      after.heartbeat();
      after.open("r2", "wf", "process", "h", null);
      after.saveStep("r2", "s1", new byte[] {1}, 1);
      assertEquals(1, after.find("r2").orElseThrow().outputs().size());
      assertEquals(
          List.of(),
          after.takeOver(java.util.Set.of("wf#process"), 10),
          "a sweep never takes its own node's runs");
      after.leave(); // what a runtime does when it starts
      after.heartbeat();
      assertEquals(
          List.of("r2", "r3"),
          ids(after.takeOver(java.util.Set.of("wf#process"), 10)),
          "the start-up sweep finds them at once");
    } finally {
      after.close();
    }
  }

  @BeforeEach
  void open() throws Exception {
    store = newStore();
    deadLetters = deadLettersOf(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void runIdsThatCouldAliasAnotherRunAreRefusedBeforeAnythingIsStored() {
    store.open("run-?-x", "wf", "process", "h", null);
    store.finish("run-?-x", WorkflowStatus.COMPLETED, new byte[] {7});
    List<String> bad =
        List.of(
            "run-\uD800-x",
            "run-\uDC00-x",
            "tail-\uD800",
            "\uDC00\uD83D",
            "",
            "a\u0000b",
            "x".repeat(256));
    for (String id : bad) {
      assertThrows(
          IllegalArgumentException.class, () -> store.open(id, "wf", "process", "h", null), id);
      assertThrows(IllegalArgumentException.class, () -> store.find(id), id);
      assertThrows(
          IllegalArgumentException.class, () -> store.saveStatus(id, WorkflowStatus.FAILED), id);
      assertThrows(
          IllegalArgumentException.class, () -> store.saveStep(id, "s", new byte[] {1}, 1), id);
      assertThrows(IllegalArgumentException.class, () -> deadLetters.discard(id), id);
    }
    assertEquals(List.of(), store.unfinished(), "no refused id left a run behind");
    assertEquals(WorkflowStatus.COMPLETED, store.find("run-?-x").orElseThrow().status());
    assertArrayEquals(
        new byte[] {7},
        store.find("run-?-x").orElseThrow().output(),
        "the look-alike run is untouched");
    for (String id : List.of("emoji-\uD83D\uDE00", "line\nbreak", "y".repeat(255))) {
      store.open(id, "wf", "process", "h", null);
      assertEquals(id, store.find(id).orElseThrow().runId(), "a valid id is kept exactly");
    }
    assertEquals(3, store.unfinished().size());
  }

  @Test
  void aCompletedRunChangesOnlyByItsPurge() {
    store.open("done", "wf", "process", "h", null);
    store.saveStep("done", "a", new byte[] {1}, 1);
    store.finish("done", WorkflowStatus.COMPLETED, new byte[] {9});
    DeadLetter letter = store.deadLetterQueue().isPresent() ? letterFor("done") : null;
    assertThrows(
        IllegalStateException.class, () -> store.saveStatus("done", WorkflowStatus.FAILED));
    assertThrows(
        IllegalStateException.class, () -> store.saveStatus("done", WorkflowStatus.RUNNING));
    assertThrows(
        IllegalStateException.class, () -> store.fail("done", WorkflowStatus.FAILED, letter));
    assertThrows(
        IllegalStateException.class,
        () -> store.finish("done", WorkflowStatus.COMPLETED_DEGRADED, null));
    assertThrows(IllegalStateException.class, () -> store.saveStep("done", "b", new byte[] {2}, 1));
    assertThrows(IllegalStateException.class, () -> store.saveAttempt("done", "b", 2));
    assertThrows(IllegalStateException.class, () -> store.resetSteps("done", List.of("a")));
    assertThrows(
        IllegalStateException.class,
        () -> store.reopen("done", WorkflowStatus.FAILED, List.of("a")));
    assertThrows(
        IllegalArgumentException.class,
        () -> store.reopen("done", WorkflowStatus.COMPLETED, List.of()));
    RunRecord run = store.find("done").orElseThrow();
    assertEquals(WorkflowStatus.COMPLETED, run.status());
    assertArrayEquals(new byte[] {9}, run.output());
    assertEquals(List.of("a"), new ArrayList<>(run.outputs().keySet()));
    assertEquals(0, deadLetters.size(), "a refused end wrote no dead letter");
    assertTrue(store.unfinished().isEmpty());
    assertEquals(
        1, store.purgeFinished(Instant.now().plusSeconds(3600)), "its purge still removes it");
  }

  @Test
  void aFailedRunChangesOnlyByAReplayOfTheStatusRead() throws Exception {
    store.open("failed", "wf", "process", "h", null);
    store.saveStep("failed", "a", new byte[] {1}, 1);
    store.saveAttempt("failed", "b", 3);
    store.fail(
        "failed",
        WorkflowStatus.FAILED,
        store.deadLetterQueue().isPresent() ? letterFor("failed") : null);
    assertEquals(WorkflowStatus.FAILED, store.find("failed").orElseThrow().status());
    if (store.deadLetterQueue().isPresent()) {
      assertEquals(
          List.of("failed"),
          deadLetters.list().stream().map(DeadLetter::runId).toList(),
          "the run's end and its dead letter are written together");
    }
    assertThrows(
        IllegalStateException.class, () -> store.saveStatus("failed", WorkflowStatus.RUNNING));
    assertThrows(
        IllegalStateException.class,
        () -> store.saveStatus("failed", WorkflowStatus.COMPENSATION_FAILED));
    assertThrows(
        IllegalStateException.class,
        () -> store.finish("failed", WorkflowStatus.COMPLETED, new byte[] {9}));
    assertThrows(IllegalStateException.class, () -> store.resetSteps("failed", List.of("a")));
    assertThrows(
        IllegalStateException.class,
        () -> store.reopen("failed", WorkflowStatus.COMPENSATION_FAILED, List.of("b")),
        "not the status read");
    assertEquals(WorkflowStatus.FAILED, store.find("failed").orElseThrow().status());
    assertThrows(
        NoSuchElementException.class, () -> store.reopen("nope", WorkflowStatus.FAILED, List.of()));

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RunRecord>> replays = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        replays.add(pool.submit(() -> store.reopen("failed", WorkflowStatus.FAILED, List.of("b"))));
      }
      int reopened = 0;
      for (Future<RunRecord> replay : replays) {
        try {
          RunRecord run = replay.get();
          reopened++;
          assertEquals(WorkflowStatus.RUNNING, run.status());
          assertEquals(
              List.of("a"), new ArrayList<>(run.outputs().keySet()), "its checkpoints are kept");
          assertEquals(
              java.util.Map.of("a", 1), run.attempts(), "the reset step's attempts are forgotten");
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(e.getCause() instanceof IllegalStateException, e.getCause().toString());
        }
      }
      assertEquals(1, reopened, "of concurrent replays of one run, exactly one reopens it");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of("failed"), store.unfinished().stream().map(RunRecord::runId).toList());
    store.saveStep("failed", "b", new byte[] {2}, 1);
    store.finish("failed", WorkflowStatus.COMPLETED, new byte[] {9});
    assertEquals(
        WorkflowStatus.COMPLETED,
        store.find("failed").orElseThrow().status(),
        "the replay completes it");
  }

  private static DeadLetter letterFor(String runId) {
    return new DeadLetter(
        runId,
        "wf",
        "process",
        DeadLetterReason.RETRIES_EXHAUSTED,
        "b",
        3,
        List.of("boom"),
        Instant.parse("2026-11-30T10:00:00Z"),
        null);
  }

  @Test
  void openCreatesARunningRunOnceAndThenReturnsIt() {
    RunRecord fresh = store.open("r1", "wf", "process", "h1", null);
    assertEquals(WorkflowStatus.RUNNING, fresh.status());
    assertTrue(fresh.outputs().isEmpty());
    store.saveStep("r1", "extract", new byte[] {1, 2}, 3);
    RunRecord again = store.open("r1", "other-wf", "other", "h2", null);
    assertEquals("wf", again.workflow(), "the first opener's run is kept");
    assertEquals("h1", again.graphHash());
    assertArrayEquals(new byte[] {1, 2}, again.outputs().get("extract"));
    assertEquals(3, again.attempts().get("extract"));
  }

  @Test
  void stepsKeepTheirCompletionOrder() {
    store.open("r1", "wf", "process", "h", null);
    for (String step : List.of("c", "a", "b")) {
      store.saveStep("r1", step, step.getBytes(), 1);
    }
    assertEquals(
        List.of("c", "a", "b"), new ArrayList<>(store.find("r1").orElseThrow().outputs().keySet()));
  }

  @Test
  void aStepIsNeverRecordedTwice() {
    store.open("r1", "wf", "process", "h", null);
    store.saveStep("r1", "a", new byte[] {1}, 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> store.saveStep("r1", "a", new byte[] {2}, 2));
    assertTrue(e.getMessage().contains("already recorded"), e.getMessage());
    assertArrayEquals(new byte[] {1}, store.find("r1").orElseThrow().outputs().get("a"));
    store.saveStep("r1", "b", new byte[] {3}, 1);
    assertEquals(
        2,
        store.find("r1").orElseThrow().outputs().size(),
        "the store keeps working after a refused write");
  }

  @Test
  void theLastStepAndTheRunsEndAreRecordedTogether() {
    store.open("r1", "wf", "process", "h", null);
    store.saveStep("r1", "a", new byte[] {1}, 1);
    store.finish("r1", WorkflowStatus.COMPLETED, new byte[] {9}, "b", new byte[] {2}, 3);
    RunRecord r = store.find("r1").orElseThrow();
    assertEquals(WorkflowStatus.COMPLETED, r.status());
    assertArrayEquals(new byte[] {9}, r.output());
    assertEquals(List.of("a", "b"), new ArrayList<>(r.outputs().keySet()));
    assertEquals(3, r.attempts().get("b"));

    store.open("r2", "wf", "process", "h", null);
    store.saveStep("r2", "b", new byte[] {1}, 1);
    assertThrows(
        IllegalStateException.class,
        () -> store.finish("r2", WorkflowStatus.COMPLETED, new byte[] {9}, "b", new byte[] {2}, 1));
    assertEquals(
        WorkflowStatus.RUNNING,
        store.find("r2").orElseThrow().status(),
        "a refused last step does not end the run");
  }

  @Test
  void writesToAnUnknownRunAreRefused() {
    assertThrows(
        NoSuchElementException.class, () -> store.saveStep("nope", "a", new byte[] {1}, 1));
    assertThrows(
        NoSuchElementException.class, () -> store.saveStatus("nope", WorkflowStatus.COMPLETED));
    assertTrue(store.find("nope").isEmpty());
  }

  @Test
  void unfinishedListsRunningAndParkedRunsOldestFirst() {
    for (String id : List.of("r1", "r2", "r3", "r4")) {
      store.open(id, "wf", "process", "h", null);
    }
    store.saveStatus("r2", WorkflowStatus.COMPLETED);
    store.saveStatus("r3", WorkflowStatus.PARKED);
    store.saveStatus("r4", WorkflowStatus.FAILED);
    assertEquals(List.of("r1", "r3"), store.unfinished().stream().map(RunRecord::runId).toList());
    assertEquals(WorkflowStatus.PARKED, store.find("r3").orElseThrow().status());
  }

  @Test
  void concurrentRunsAllLandIntact() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < 64; r++) {
        String id = "run-" + r;
        done.add(
            pool.submit(
                () -> {
                  store.open(id, "wf", "process", "h", null);
                  for (int s = 0; s < 5; s++) {
                    store.saveStep(id, "s" + s, (id + s).getBytes(), s + 1);
                  }
                  store.saveStatus(id, WorkflowStatus.COMPLETED);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    for (int r = 0; r < 64; r++) {
      RunRecord run = store.find("run-" + r).orElseThrow();
      assertEquals(WorkflowStatus.COMPLETED, run.status());
      assertEquals(5, run.outputs().size());
      assertArrayEquals(("run-" + r + "4").getBytes(), run.outputs().get("s4"));
      assertEquals(5, run.attempts().get("s4"));
    }
    assertTrue(store.unfinished().isEmpty());
  }

  @Test
  void attemptsAreRecordedBeforeTheOutput() {
    store.open("r1", "wf", "process", "h", null);
    store.saveAttempt("r1", "ocr", 1);
    store.saveAttempt("r1", "ocr", 2);
    assertEquals(2, store.find("r1").orElseThrow().attempts().get("ocr"));
    store.saveStep("r1", "ocr", new byte[] {1}, 3);
    assertEquals(3, store.find("r1").orElseThrow().attempts().get("ocr"));
  }

  @Test
  void resetStepsForgetsTheirOutputsAndAttempts() {
    store.open("r1", "wf", "process", "h", null);
    store.saveStep("r1", "a", new byte[] {1}, 1);
    store.saveStep("r1", "b", new byte[] {2}, 2);
    store.saveAttempt("r1", "c", 4);
    store.resetSteps("r1", List.of("b", "c"));
    RunRecord r = store.find("r1").orElseThrow();
    assertEquals(List.of("a"), new ArrayList<>(r.outputs().keySet()));
    assertEquals(java.util.Map.of("a", 1), r.attempts());
    store.saveStep("r1", "b", new byte[] {3}, 1);
    assertArrayEquals(
        new byte[] {3},
        store.find("r1").orElseThrow().outputs().get("b"),
        "a reset step can be recorded again");
  }

  @Test
  void finishedRunsArePurgedRunningOnesNever() {
    store.open("done", "wf", "process", "h", null);
    store.saveStep("done", "a", new byte[] {1}, 1);
    store.finish("done", WorkflowStatus.COMPLETED, new byte[] {9});
    store.open("failed", "wf", "process", "h", null);
    store.saveStatus("failed", WorkflowStatus.FAILED);
    store.open("running", "wf", "process", "h", null);
    store.open("parked", "wf", "process", "h", null);
    store.saveStatus("parked", WorkflowStatus.PARKED);
    assertEquals(
        0, store.purgeFinished(Instant.now().minusSeconds(3600)), "nothing ended an hour ago");
    assertEquals(2, store.purgeFinished(Instant.now().plusSeconds(1)));
    assertTrue(store.find("done").isEmpty());
    assertTrue(store.find("failed").isEmpty());
    assertTrue(store.find("running").isPresent());
    assertTrue(store.find("parked").isPresent());
  }

  @Test
  void aFinishedRunKeepsItsOutput() {
    store.open("r1", "wf", "process", "h", new byte[] {4, 2});
    store.finish("r1", WorkflowStatus.COMPLETED_DEGRADED, new byte[] {7});
    RunRecord r = store.find("r1").orElseThrow();
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, r.status());
    assertArrayEquals(new byte[] {7}, r.output());
    assertArrayEquals(new byte[] {4, 2}, r.inputs());
    assertTrue(store.unfinished().isEmpty());
  }

  @Test
  void deadLettersAreListedInOrderReplacedPerRunAndDiscarded() {
    Instant t = Instant.parse("2026-11-24T10:00:00Z");
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "process",
            DeadLetterReason.INVALID_INPUT,
            "validate",
            1,
            List.of("dev.firebreak.runtime.InvalidInputException: amount -1", "caused by\nnewline"),
            t));
    byte[] snapshot =
        dev.firebreak.runtime.codec.Codecs.encode(
            dev.firebreak.runtime.codec.Codecs.STRING, "scan-7");
    deadLetters.add(
        new DeadLetter(
            "r2",
            "wf",
            "process",
            DeadLetterReason.CIRCUIT_OPEN,
            "extract",
            4,
            List.of("open"),
            t,
            snapshot));
    assertEquals(
        "\"scan-7\"",
        deadLetters.list().get(1).inputsJson().orElseThrow(),
        "the input snapshot is kept");
    assertEquals(2, deadLetters.size());
    DeadLetter first = deadLetters.list().get(0);
    assertEquals("r1", first.runId());
    assertEquals(DeadLetterReason.INVALID_INPUT, first.reason());
    assertEquals(
        List.of("dev.firebreak.runtime.InvalidInputException: amount -1", "caused by\nnewline"),
        first.errorChain());
    assertEquals(t, first.time());
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "process",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "post",
            3,
            List.of("again"),
            t));
    assertEquals(2, deadLetters.size(), "one dead letter per run");
    assertEquals(List.of("r2", "r1"), deadLetters.list().stream().map(DeadLetter::runId).toList());
    assertTrue(deadLetters.discard("r2"));
    assertFalse(deadLetters.discard("r2"));
    assertEquals(1, deadLetters.size());
  }

  @Test
  void deadLettersComeAPageAtATimeNewestFirstAndAreCountedByReason() {
    Instant t = Instant.parse("2026-11-24T10:00:00Z");
    // r1..r5 one second apart; r6 at r5's time (a tie, ordered by run id).
    DeadLetterReason[] reasons = {
      DeadLetterReason.RETRIES_EXHAUSTED,
      DeadLetterReason.STEP_FAILED,
      DeadLetterReason.RETRIES_EXHAUSTED,
      DeadLetterReason.DEADLINE,
      DeadLetterReason.RETRIES_EXHAUSTED
    };
    for (int i = 0; i < reasons.length; i++) {
      deadLetters.add(
          new DeadLetter(
              "r" + (i + 1), "wf", "p", reasons[i], "s", 1, List.of("e"), t.plusSeconds(i)));
    }
    DeadLetter r6 =
        new DeadLetter(
            "r6",
            "wf",
            "p",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "s",
            1,
            List.of("e"),
            t.plusSeconds(4));
    if (store.deadLetterQueue().isPresent()) {
      store.open("r6", "wf", "p", "h", null);
      store.fail("r6", WorkflowStatus.FAILED, r6); // the letter written with the run's end
    } else {
      deadLetters.add(r6);
    }

    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      // One a page: every cursor is met, the one between r6 and r5 (a tie on time) too.
      DeadLetterPage page = deadLetters.page(null, 1, after);
      assertEquals(1, page.letters().size());
      page.letters().forEach(d -> seen.add(d.runId()));
      after = page.nextCursor();
      pages++;
    } while (after != null && pages < 10);
    assertEquals(List.of("r6", "r5", "r4", "r3", "r2", "r1"), seen, "newest first, ties by id");
    assertEquals(6, pages);
    assertEquals(
        List.of("r4", "r3"),
        deadLetters.page(null, 2, deadLetters.page(null, 2, null).nextCursor()).letters().stream()
            .map(DeadLetter::runId)
            .toList());

    DeadLetterPage exhausted = deadLetters.page(DeadLetterReason.RETRIES_EXHAUSTED, 3, null);
    assertEquals(
        List.of("r6", "r5", "r3"), exhausted.letters().stream().map(DeadLetter::runId).toList());
    DeadLetterPage rest =
        deadLetters.page(DeadLetterReason.RETRIES_EXHAUSTED, 3, exhausted.nextCursor());
    assertEquals(List.of("r1"), rest.letters().stream().map(DeadLetter::runId).toList());
    assertNull(rest.nextCursor());
    assertEquals(
        Map.of(
            DeadLetterReason.RETRIES_EXHAUSTED, 4L,
            DeadLetterReason.STEP_FAILED, 1L,
            DeadLetterReason.DEADLINE, 1L),
        Map.copyOf(deadLetters.countByReason()));

    // A replaced letter moves to its new reason and time; a discarded one leaves both lists.
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "p",
            DeadLetterReason.INVALID_INPUT,
            "s",
            1,
            List.of("e"),
            t.plusSeconds(9)));
    assertTrue(deadLetters.discard("r5"));
    assertEquals(
        List.of("r1", "r6", "r4"),
        deadLetters.page(null, 3, null).letters().stream().map(DeadLetter::runId).toList());
    assertEquals(
        Map.of(
            DeadLetterReason.RETRIES_EXHAUSTED, 2L,
            DeadLetterReason.STEP_FAILED, 1L,
            DeadLetterReason.DEADLINE, 1L,
            DeadLetterReason.INVALID_INPUT, 1L),
        Map.copyOf(deadLetters.countByReason()));
    assertThrows(IllegalArgumentException.class, () -> deadLetters.page(null, 0, null));
    assertThrows(IllegalArgumentException.class, () -> deadLetters.page(null, 2, "not-a-cursor"));
  }

  @Test
  void aDeadLettersDeclaringMethodIsKept() {
    Instant t = Instant.parse("2026-11-24T10:00:00Z");
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "process",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "extract",
            "test.invoice.Invoice.OcrAgent#extract",
            4,
            List.of("boom"),
            t,
            null));
    deadLetters.add(
        new DeadLetter(
            "r2", "wf", "process", DeadLetterReason.DEADLINE, "post", 1, List.of("late"), t));
    boolean keepsLetters = store.deadLetterQueue().isPresent();
    if (keepsLetters) {
      store.open("r3", "wf", "process", "h", null);
      store.fail(
          "r3",
          WorkflowStatus.FAILED,
          new DeadLetter(
              "r3",
              "wf",
              "process",
              DeadLetterReason.INVALID_INPUT,
              "validate",
              "com.acme.ValidationAgent#validate",
              1,
              List.of("bad amount"),
              t,
              null));
    }
    List<DeadLetter> letters = deadLetters.list();
    assertEquals(keepsLetters ? 3 : 2, letters.size());
    assertEquals("extract", letters.get(0).step());
    assertEquals("test.invoice.Invoice.OcrAgent#extract", letters.get(0).declaredBy());
    assertEquals("post", letters.get(1).step());
    assertEquals("", letters.get(1).declaredBy(), "unknown reads back as empty");
    if (keepsLetters) {
      assertEquals(
          "com.acme.ValidationAgent#validate",
          letters.get(2).declaredBy(),
          "kept when written with the run's end");
    }
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "process",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "extract",
            4,
            List.of("again"),
            t));
    assertEquals(
        "",
        deadLetters.list().stream()
            .filter(l -> l.runId().equals("r1"))
            .findFirst()
            .orElseThrow()
            .declaredBy(),
        "a letter that replaces another replaces its declaring method");
  }
}
