package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.internal.TimelineJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The runs API every store keeps: pages newest first by a cursor, filters by status, workflow,
 * entry point and creation time, data only when asked for, counts by status. A store's test class
 * implements it beside its {@link StoreContract}.
 */
public interface RunQueriesContract {
  /** A store whose clock is {@code clock}, empty of runs; closed by the test. */
  CheckpointStore storeWithClock(Clock clock) throws Exception;

  private static List<String> ids(RunPage page) {
    List<String> ids = new ArrayList<>();
    page.runs().forEach(r -> ids.add(r.runId()));
    return ids;
  }

  /**
   * r1…r7 of a.Flow#start one second apart from T0; r8, r9 of b.Flow#other; r10 of a.Flow#second;
   * r2 completed, r4 failed, r6 parked.
   */
  private static void fill(CheckpointStore store, StoreContract.TestClock clock) {
    for (int i = 1; i <= 10; i++) {
      String wf = i <= 7 || i == 10 ? "a.Flow" : "b.Flow";
      String entry = i <= 7 ? "start" : i == 10 ? "second" : "other";
      store.open("r" + i, wf, entry, "h", new byte[] {0, 0, 0, 0, '"', (byte) ('0' + i % 10), '"'});
      clock.advance(Duration.ofSeconds(1));
    }
    store.finish("r2", WorkflowStatus.COMPLETED, new byte[] {0, 0, 0, 0, '1'});
    store.fail("r4", WorkflowStatus.FAILED, null);
    store.saveStatus("r6", WorkflowStatus.PARKED);
  }

  /**
   * What a test checks on a store holding the ten runs of {@link #fill}, opened from {@code t0}.
   */
  interface TenRuns {
    void check(CheckpointStore store, Instant t0) throws Exception;
  }

  /** Runs {@code check} on a fresh store filled by {@link #fill}, then closes the store. */
  private void withTenRuns(TenRuns check) throws Exception {
    StoreContract.TestClock clock = new StoreContract.TestClock();
    Instant t0 = clock.instant();
    CheckpointStore store = storeWithClock(clock);
    try {
      fill(store, clock);
      check.check(store, t0);
    } finally {
      store.close();
    }
  }

  @Test
  default void runsComeNewestFirstAPageAtATimeByCursor() throws Exception {
    withTenRuns(
        (store, t0) -> {
          RunPage first = store.listRuns(RunQuery.all().limit(4));
          assertEquals(List.of("r10", "r9", "r8", "r7"), ids(first));
          assertTrue(first.hasNext());
          store.open("r11", "a.Flow", "start", "h", null); // created meanwhile: pages do not shift
          RunPage second = store.listRuns(RunQuery.all().limit(4).after(first.nextCursor()));
          assertEquals(List.of("r6", "r5", "r4", "r3"), ids(second));
          RunPage last = store.listRuns(RunQuery.all().limit(4).after(second.nextCursor()));
          assertEquals(List.of("r2", "r1"), ids(last));
          assertFalse(last.hasNext());
          assertEquals("r11", store.listRuns(RunQuery.all().limit(1)).runs().get(0).runId());
        });
  }

  @Test
  default void runsAreFilteredByStatusWorkflowEntryPointAndCreationTime() throws Exception {
    withTenRuns(
        (store, t0) -> {
          assertEquals(
              List.of("r4"), ids(store.listRuns(RunQuery.all().status(WorkflowStatus.FAILED))));
          assertEquals(
              List.of("r10", "r7", "r6", "r5", "r3", "r1"),
              ids(
                  store.listRuns(
                      RunQuery.all()
                          .workflow("a.Flow")
                          .status(WorkflowStatus.RUNNING, WorkflowStatus.PARKED))));
          assertEquals(
              List.of("r7", "r6", "r5", "r4", "r3", "r2", "r1"),
              ids(store.listRuns(RunQuery.all().entryPoint("a.Flow", "start"))));
          assertEquals(List.of("r9", "r8"), ids(store.listRuns(RunQuery.all().workflow("b.Flow"))));
          assertEquals(
              List.of("r5", "r4", "r3"),
              ids(
                  store.listRuns(
                      RunQuery.all().createdBetween(t0.plusSeconds(2), t0.plusSeconds(5)))),
              "from is inclusive, before exclusive");
          RunQuery earlyStarts =
              RunQuery.all()
                  .entryPoint("a.Flow", "start")
                  .status(WorkflowStatus.RUNNING)
                  .createdBetween(null, t0.plusSeconds(5));
          RunPage page = store.listRuns(earlyStarts.limit(1));
          assertEquals(List.of("r5"), ids(page));
          assertEquals(
              List.of("r3", "r1"), ids(store.listRuns(earlyStarts.after(page.nextCursor()))));
        });
  }

  @Test
  default void aRunShowsItsTimesOwnerAndOnlyWhenAskedItsData() throws Exception {
    withTenRuns(
        (store, t0) -> {
          RunSummary done =
              store.listRuns(RunQuery.all().status(WorkflowStatus.COMPLETED)).runs().get(0);
          assertEquals("r2", done.runId());
          assertEquals("a.Flow", done.workflow());
          assertEquals("start", done.entryPoint());
          assertEquals(t0.plusSeconds(1), done.createdAt());
          assertEquals(t0.plusSeconds(10), done.endedAt(), "ended after all ten were opened");
          assertNull(done.owner(), "an ended run is owned by nobody");
          assertNull(done.inputs(), "no data unless asked for");
          assertTrue(done.toString().contains("r2"), done.toString());
          assertTrue(done.toString().contains("status=COMPLETED"), done.toString());

          RunSummary withData =
              store
                  .listRuns(RunQuery.all().status(WorkflowStatus.COMPLETED).withData())
                  .runs()
                  .get(0);
          assertEquals("\"2\"", withData.inputsJson().orElseThrow());
          assertEquals("1", withData.outputJson().orElseThrow());
          assertTrue(withData.toString().contains("inputs=\"2\""), withData.toString());
          assertFalse(withData.toString().contains("[B@"), withData.toString());

          RunSummary running = store.listRuns(RunQuery.all().limit(1)).runs().get(0);
          assertNull(running.endedAt());
          assertEquals(
              store.nodeId(), running.owner(), "a running run names the node that runs it");
        });
  }

  @Test
  default void oneRunIsReadByItsIdAsAListShowsIt() throws Exception {
    withTenRuns(
        (store, t0) -> {
          RunSummary listed =
              store
                  .listRuns(RunQuery.all().status(WorkflowStatus.COMPLETED).withData())
                  .runs()
                  .get(0);
          assertEquals(listed, store.summary("r2", true).orElseThrow());
          assertNull(store.summary("r2", false).orElseThrow().inputs());
          assertEquals(store.nodeId(), store.summary("r3", false).orElseThrow().owner());
          assertTrue(store.summary("nope", false).isEmpty());
        });
  }

  @Test
  default void runsOpenedInOneMillisecondArePagedByRunId() throws Exception {
    CheckpointStore store = storeWithClock(new StoreContract.TestClock());
    try {
      for (String id : List.of("t1", "t2", "t3", "t4", "t5")) {
        store.open(id, "wf", "process", "h", null);
      }
      RunPage first = store.listRuns(RunQuery.all().limit(2));
      RunPage second = store.listRuns(RunQuery.all().limit(2).after(first.nextCursor()));
      RunPage third = store.listRuns(RunQuery.all().limit(2).after(second.nextCursor()));
      assertEquals(List.of("t5", "t4"), ids(first));
      assertEquals(List.of("t3", "t2"), ids(second));
      assertEquals(List.of("t1"), ids(third));
    } finally {
      store.close();
    }
  }

  @Test
  default void countsAreByStatus() throws Exception {
    withTenRuns(
        (store, t0) -> {
          Map<WorkflowStatus, Long> counts = store.countRuns();
          assertEquals(7L, counts.get(WorkflowStatus.RUNNING));
          assertEquals(1L, counts.get(WorkflowStatus.PARKED));
          assertEquals(1L, counts.get(WorkflowStatus.COMPLETED));
          assertEquals(1L, counts.get(WorkflowStatus.FAILED));
          assertEquals(10L, counts.values().stream().mapToLong(Long::longValue).sum());
        });
  }

  @Test
  default void aQueryThatCannotBeIsRefusedBeforeAnyRead() {
    assertThrows(IllegalArgumentException.class, () -> RunQuery.all().limit(0));
    assertThrows(
        IllegalArgumentException.class, () -> RunQuery.all().limit(RunQuery.MAX_LIMIT + 1));
    assertThrows(IllegalArgumentException.class, () -> RunQuery.all().after("not a cursor"));
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    assertThrows(IllegalArgumentException.class, () -> RunQuery.all().createdBetween(t, t));
    assertThrows(
        IllegalArgumentException.class, () -> RunQuery.all().createdBetween(null, Instant.MAX));
    assertThrows(
        IllegalArgumentException.class,
        () -> RunQuery.all().createdBetween(Instant.EPOCH.minusMillis(1), null));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new RunQuery(
                java.util.Set.of(), null, "start", false, null, null, null, 10, null, false));
  }

  /** A timeline entry of {@code step}, at second {@code attempt} of 2026-12-01. */
  private static TimelineEntry entry(String step, TimelineEntry.Kind kind, int attempt) {
    return new TimelineEntry(
        Instant.parse("2026-12-01T05:00:00Z").plusSeconds(attempt),
        step,
        kind,
        attempt,
        Duration.ofMillis(attempt),
        "",
        kind == TimelineEntry.Kind.FAILED ? List.of("java.io.IOException: down") : List.of());
  }

  private static RunNotes notes(int retrying, String parkedOn, TimelineEntry... entries) {
    return new RunNotes(List.of(entries), retrying, parkedOn);
  }

  @Test
  default void runsRetryingNowAndParkedOnABreakerAreListedUntilTheyStop() throws Exception {
    CheckpointStore store = storeWithClock(new StoreContract.TestClock());
    try {
      for (String id : List.of("r1", "r2", "r3", "r4", "r5")) {
        store.open(id, id.equals("r5") ? "b.Flow" : "a.Flow", "start", "h", null);
      }
      store.saveAttempt("r1", "ocr", 2, notes(1, null, entry("ocr", TimelineEntry.Kind.FAILED, 1)));
      store.saveStatus("r2", WorkflowStatus.PARKED, notes(0, "ocr-service"));
      store.saveAttempt("r3", "ocr", 2, notes(1, null));
      store.saveNotes("r3", notes(0, null)); // its retried step succeeded
      store.saveAttempt("r4", "ocr", 3, notes(1, null));
      store.end("r4", RunEnd.success(WorkflowStatus.COMPLETED, null, RunNotes.NONE));
      store.saveAttempt("r5", "ocr", 2, notes(2, null));

      assertEquals(List.of("r5", "r1"), ids(store.listRuns(RunQuery.all().retrying())));
      assertEquals(
          List.of("r1"), ids(store.listRuns(RunQuery.all().retrying().workflow("a.Flow"))));
      assertEquals(
          List.of("r5"),
          ids(store.listRuns(RunQuery.all().retrying().entryPoint("b.Flow", "start"))));
      assertEquals(
          List.of(), ids(store.listRuns(RunQuery.all().retrying().status(WorkflowStatus.PARKED))));
      RunPage onePerPage = store.listRuns(RunQuery.all().retrying().limit(1));
      assertEquals(List.of("r5"), ids(onePerPage));
      assertEquals(
          List.of("r1"),
          ids(store.listRuns(RunQuery.all().retrying().limit(1).after(onePerPage.nextCursor()))));
      assertEquals(List.of("r2"), ids(store.listRuns(RunQuery.all().parkedOn("ocr-service"))));
      assertEquals(List.of(), ids(store.listRuns(RunQuery.all().parkedOn("other"))));
      assertEquals(2, store.summary("r5", false).orElseThrow().retrying());
      assertEquals("ocr-service", store.summary("r2", false).orElseThrow().parkedOn());
      assertEquals(0, store.summary("r4", false).orElseThrow().retrying(), "an ended run");

      store.saveStatus("r2", WorkflowStatus.RUNNING, notes(0, null));
      assertEquals(List.of(), ids(store.listRuns(RunQuery.all().parkedOn("ocr-service"))));
      assertNull(store.summary("r2", false).orElseThrow().parkedOn());
      store.saveStatus("r2", WorkflowStatus.PARKED, notes(0, "ocr-service"));
      store.end("r2", RunEnd.failure(WorkflowStatus.FAILED, null, notes(1, "x")));
      assertEquals(
          List.of(),
          ids(store.listRuns(RunQuery.all().parkedOn("ocr-service"))),
          "an ended run is parked on nothing, whatever its last notes say");
      assertEquals(List.of(), ids(store.listRuns(RunQuery.all().parkedOn("x"))));
      store.end("r1", RunEnd.failure(WorkflowStatus.FAILED, null, notes(1, null)));
      assertEquals(List.of("r5"), ids(store.listRuns(RunQuery.all().retrying())));
    } finally {
      store.close();
    }
  }

  @Test
  default void aRunsTimelineIsWhatItsWritesAppendedAndARefusedWriteAddsNothing() throws Exception {
    CheckpointStore store = storeWithClock(new StoreContract.TestClock());
    try {
      store.open("r1", "a.Flow", "start", "h", null);
      assertEquals("", store.timeline("r1"));
      TimelineEntry first = entry("ocr", TimelineEntry.Kind.FAILED, 1);
      TimelineEntry parked = entry("ocr", TimelineEntry.Kind.PARKED, 2);
      TimelineEntry succeeded = entry("ocr", TimelineEntry.Kind.SUCCEEDED, 3);
      TimelineEntry booked = entry("book", TimelineEntry.Kind.SUCCEEDED, 4);
      store.saveAttempt("r1", "ocr", 2, notes(1, null, first));
      store.saveStatus("r1", WorkflowStatus.PARKED, notes(1, "ocr-service", parked));
      store.end(
          "r1",
          RunEnd.success(WorkflowStatus.COMPLETED, null, notes(0, null, succeeded, booked))
              .withLastStep("book", new byte[] {0, 0, 0, 0, '1'}, 1));
      List<TimelineEntry> all = List.of(first, parked, succeeded, booked);
      assertEquals(all, TimelineJson.decode(store.timeline("r1")));
      assertThrows(
          IllegalStateException.class,
          () -> store.saveNotes("r1", notes(0, null, entry("x", TimelineEntry.Kind.FAILED, 5))));
      assertEquals(
          all, TimelineJson.decode(store.timeline("r1")), "an ended run's record is final");
      assertEquals(List.of("book"), List.copyOf(store.find("r1").orElseThrow().outputs().keySet()));
    } finally {
      store.close();
    }
  }
}
