package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the SQL stores promise beyond the contract every store keeps. */
public abstract class JdbcStoreContract extends StoreContract implements RunQueriesContract {
  /**
   * Takes a database of the current schema back to version 8, before the dead letters' indexes, the
   * values by key and the runs API's notes and indexes.
   */
  public static final List<String> BACK_TO_VERSION_8 =
      List.of(
          "DROP INDEX firebreak_dead_letter_time",
          "DROP INDEX firebreak_dead_letter_reason",
          "DROP INDEX firebreak_dead_letter_seq",
          "DROP TABLE firebreak_kv",
          "DROP INDEX firebreak_run_retrying",
          "DROP INDEX firebreak_run_parked",
          "ALTER TABLE firebreak_run DROP COLUMN timeline",
          "ALTER TABLE firebreak_run DROP COLUMN retrying",
          "ALTER TABLE firebreak_run DROP COLUMN parked_on",
          "DROP INDEX firebreak_run_status",
          "DROP INDEX firebreak_run_created",
          "DROP INDEX firebreak_run_workflow",
          "DROP INDEX firebreak_run_entry_point",
          "CREATE INDEX firebreak_run_open ON firebreak_run (status)"
              + " WHERE status IN ('RUNNING', 'PARKED')");

  /**
   * Whether the database plans by rule, so that each query is served by the one index made for it
   * (SQLite), with no sort after it; a cost-based planner (PostgreSQL) may pick another of the
   * runs' indexes, or sort the few rows an index found, when that is cheaper, and the test then
   * asserts that an index of runs serves the query, never a scan of the table.
   */
  protected boolean plansByRule() {
    return true;
  }

  /** A connection of its own to this test's database, outside the store. */
  protected abstract java.sql.Connection rawConnection() throws Exception;

  /**
   * Each query of the runs API, on 10,000 runs, is planned on the index made for it: the plan names
   * the index, and on SQLite no sort is added for the order of the page.
   */
  @org.junit.jupiter.api.Test
  void everyRunQueryIsServedByItsIndexAtTenThousandRuns() throws Exception {
    try (java.sql.Connection c = rawConnection()) {
      c.setAutoCommit(false);
      try (java.sql.PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO firebreak_run (run_id, workflow, entry_point, graph_hash, status,"
                  + " version, created_at, updated_at, ended_at, owner, retrying, parked_on)"
                  + " VALUES (?, ?, ?, 'h', ?, 0, ?, ?, ?, ?, ?, ?)")) {
        for (int i = 0; i < 10_000; i++) {
          // As a store looks after a while: most runs completed, a few failed, parked or running.
          WorkflowStatus status =
              i % 100 == 7
                  ? WorkflowStatus.FAILED
                  : i % 100 == 8
                      ? WorkflowStatus.PARKED
                      : i % 50 == 9 ? WorkflowStatus.RUNNING : WorkflowStatus.COMPLETED;
          insert.setString(1, String.format("run-%05d", i));
          insert.setString(2, "wf" + (i % 20));
          insert.setString(3, "entry" + (i % 3));
          insert.setString(4, status.name());
          insert.setLong(5, 1_700_000_000_000L + i * 1000L);
          insert.setLong(6, 1_700_000_000_000L + i * 1000L);
          if (status.isTerminal()) {
            insert.setLong(7, 1_700_000_000_000L + i * 1000L + 500);
            insert.setNull(8, java.sql.Types.VARCHAR);
          } else {
            insert.setNull(7, java.sql.Types.BIGINT);
            insert.setString(8, "node-" + (i % 3));
          }
          // Of the runs in flight, half retry a step; the parked ones wait on three breakers.
          insert.setInt(9, status == WorkflowStatus.RUNNING && i % 100 == 9 ? 1 : 0);
          insert.setString(10, status == WorkflowStatus.PARKED ? "breaker" + (i % 3) : null);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("ANALYZE");
      }
      c.commit();
    }
    JdbcStore jdbc = (JdbcStore) store;
    java.time.Instant t = java.time.Instant.ofEpochMilli(1_700_000_000_000L + 5_000_000L);
    String cursor =
        new dev.firebreak.runtime.RunQuery.Cursor(t.toEpochMilli(), "run-05000").encode();
    java.util.Map<String, dev.firebreak.runtime.RunQuery> queries = new java.util.LinkedHashMap<>();
    dev.firebreak.runtime.RunQuery all = dev.firebreak.runtime.RunQuery.all();
    queries.put("firebreak_run_created", all);
    queries.put("firebreak_run_created ", all.after(cursor).createdBetween(null, t.plusSeconds(9)));
    queries.put("firebreak_run_status", all.status(WorkflowStatus.FAILED));
    queries.put("firebreak_run_status ", all.status(WorkflowStatus.PARKED).after(cursor));
    queries.put("firebreak_run_workflow", all.workflow("wf3"));
    queries.put("firebreak_run_workflow ", all.workflow("wf3").after(cursor));
    queries.put("firebreak_run_entry_point", all.entryPoint("wf3", "entry1"));
    queries.put("firebreak_run_entry_point ", all.entryPoint("wf3", "entry1").after(cursor));
    queries.put("firebreak_run_retrying", all.retrying());
    queries.put("firebreak_run_retrying ", all.retrying().after(cursor));
    queries.put("firebreak_run_parked", all.parkedOn("breaker1"));
    queries.put("firebreak_run_parked ", all.parkedOn("breaker1").after(cursor));
    queries.forEach(
        (index, query) -> {
          String plan = jdbc.explainRuns(query);
          if (plansByRule()) {
            assertTrue(plan.contains(index.trim()), "not on " + index.trim() + ": " + plan);
            assertFalse(plan.contains("TEMP B-TREE"), "sorted after the index: " + plan);
          } else {
            assertTrue(
                plan.matches("(?s).*Index Scan( Backward)? (using|on) firebreak_run_.*"),
                "not on an index of runs: " + plan);
          }
          assertFalse(plan.contains("Seq Scan") || plan.contains("SCAN firebreak_run\n"), plan);
        });
  }

  /**
   * A page of dead letters, of all or of one reason, first or after a cursor, is planned as a range
   * of the dead letters' indexes at 10,000 letters, never a scan of the table; on SQLite the count
   * by reason reads only the reason index (PostgreSQL may scan the table for it, its choice).
   */
  @org.junit.jupiter.api.Test
  void everyDeadLetterQueryIsServedByItsIndexAtTenThousandLetters() throws Exception {
    try (java.sql.Connection c = rawConnection()) {
      c.setAutoCommit(false);
      try (java.sql.PreparedStatement insert =
          c.prepareStatement(
              "INSERT INTO firebreak_dead_letter (run_id, workflow, entry_point, reason, step,"
                  + " attempts, error_chain, time, seq) VALUES (?, 'wf', 'p', ?, 's', 1, ?, ?, ?)")) {
        dev.firebreak.runtime.DeadLetterReason[] reasons =
            dev.firebreak.runtime.DeadLetterReason.values();
        for (int i = 0; i < 10_000; i++) {
          insert.setString(1, String.format("run-%05d", i));
          insert.setString(2, reasons[i % reasons.length].name());
          insert.setBytes(3, new byte[] {0});
          insert.setLong(4, 1_700_000_000_000L + i * 1000L);
          insert.setLong(5, i + 1);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      try (java.sql.Statement s = c.createStatement()) {
        s.execute("ANALYZE");
      }
      c.commit();
    }
    JdbcStore jdbc = (JdbcStore) store;
    String cursor =
        new dev.firebreak.runtime.DeadLetterCursor(1_700_005_000_000L, "run-05000").encode();
    for (dev.firebreak.runtime.DeadLetterReason reason :
        new dev.firebreak.runtime.DeadLetterReason[] {
          null, dev.firebreak.runtime.DeadLetterReason.STEP_FAILED
        }) {
      for (String after : new String[] {null, cursor}) {
        String plan = jdbc.explainDeadLetters(reason, after);
        String index =
            reason == null ? "firebreak_dead_letter_time" : "firebreak_dead_letter_reason";
        if (plansByRule()) {
          // SEARCH: a range of the index (by reason, below the cursor); the first page of all
          // reads the index from its end, as far as the limit.
          assertTrue(
              plan.contains(
                  (reason == null && after == null ? "SCAN" : "SEARCH")
                      + " firebreak_dead_letter USING INDEX "
                      + index),
              "not on " + index + ": " + plan);
          assertFalse(plan.contains("TEMP B-TREE"), "sorted after the index: " + plan);
        } else {
          // A cost-based planner may walk the other index of letters and filter by reason, when
          // the reason is common; either way an index read backward from the cursor.
          assertTrue(
              plan.matches("(?s).*Index Scan Backward using firebreak_dead_letter_(time|reason).*"),
              "not on an index of letters: " + plan);
          if (after != null) {
            assertTrue(
                plan.matches("(?s).*Index Cond: .*ROW\\(.*run_id\\) < ROW\\(.*"),
                "the cursor is not the bound: " + plan);
          }
        }
        assertFalse(
            plan.contains("Seq Scan") || plan.contains("SCAN firebreak_dead_letter\n"), plan);
      }
    }
    String count = jdbc.explainDeadLetterCounts();
    if (plansByRule()) {
      // The count by reason reads the reason index alone (covering), not the table.
      assertTrue(
          count.contains(
              "SCAN firebreak_dead_letter USING COVERING INDEX firebreak_dead_letter_reason"),
          "the count by reason: " + count);
    }
  }

  /** Another node on this test's data, on {@code clock}. */
  @Override
  public CheckpointStore storeWithClock(java.time.Clock clock) {
    return sameData("runs-node", java.time.Duration.ofHours(1), clock);
  }

  @Test
  void aRunThatEndedTakesNoMoreWritesFromItsOldOwner() {
    store.open("r1", "wf", "process", "h", null);
    store.finish("r1", WorkflowStatus.COMPLETED, new byte[] {9}, "a", new byte[] {1}, 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> store.saveStep("r1", "b", new byte[] {2}, 1));
    assertTrue(e.getMessage().contains("COMPLETED and owned by no node"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> store.saveAttempt("r1", "b", 2));
    assertThrows(
        IllegalStateException.class, () -> store.finish("r1", WorkflowStatus.COMPLETED, null));
    RunRecord run = store.find("r1").orElseThrow();
    assertEquals(List.of("a"), new ArrayList<>(run.outputs().keySet()), "nothing was written");
    assertEquals(java.util.Map.of("a", 1), run.attempts());
  }

  @Test
  void failingWritesAmongConcurrentOnesFailAloneAndLeaveNothing() throws Exception {
    int runs = 48;
    for (int r = 0; r < runs; r++) {
      store.open("run-" + r, "wf", "process", "h", null);
      store.saveStep("run-" + r, "taken", new byte[] {1}, 1);
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> good = new ArrayList<>();
    List<Future<?>> bad = new ArrayList<>();
    try {
      for (int r = 0; r < runs; r++) {
        String id = "run-" + r;
        // Every third run ends with a step it already has: that whole end must fail, alone.
        String last = r % 3 == 0 ? "taken" : "last";
        (r % 3 == 0 ? bad : good)
            .add(
                pool.submit(
                    () -> {
                      store.saveStep(id, "middle", new byte[] {2}, 1);
                      store.finish(
                          id, WorkflowStatus.COMPLETED, new byte[] {9}, last, new byte[] {3}, 2);
                      return null;
                    }));
      }
      for (Future<?> f : good) {
        f.get();
      }
      for (Future<?> f : bad) {
        java.util.concurrent.ExecutionException e =
            assertThrows(java.util.concurrent.ExecutionException.class, f::get);
        assertTrue(
            e.getCause().getMessage().contains("already recorded"), e.getCause().getMessage());
      }
    } finally {
      pool.shutdown();
    }
    for (int r = 0; r < runs; r++) {
      RunRecord run = store.find("run-" + r).orElseThrow();
      if (r % 3 == 0) {
        assertEquals(WorkflowStatus.RUNNING, run.status(), "the failed end left the run as it was");
        assertEquals(List.of("taken", "middle"), new ArrayList<>(run.outputs().keySet()));
      } else {
        assertEquals(WorkflowStatus.COMPLETED, run.status());
        assertEquals(List.of("taken", "middle", "last"), new ArrayList<>(run.outputs().keySet()));
        assertEquals(2, run.attempts().get("last"));
      }
    }
  }

  @Test
  void aClosedStoreRefusesWritesClearly() {
    store.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.open("r", "wf", "p", "h", null));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
