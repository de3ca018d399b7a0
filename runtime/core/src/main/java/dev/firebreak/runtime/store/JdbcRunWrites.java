package dev.firebreak.runtime.store;

import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The statements of a run's life in a SQL store: its open, its steps and attempts, its end, and
 * what an operator does to it (reopen, purge). Each works inside the caller's transaction.
 *
 * <p>The writes a run makes while it runs (open, steps, attempts, end) are {@link RowWrite}s that
 * write only if the run is this node's: the owner was set when the run was opened or taken over,
 * and changes only when another node finds this one gone, so they need no claim, and a group commit
 * may batch them.
 */
final class JdbcRunWrites {
  private static final String OPEN =
      "INSERT INTO firebreak_run"
          + " (run_id, workflow, entry_point, graph_hash, status, version, created_at, updated_at,"
          + " inputs, owner) VALUES (?, ?, ?, ?, 'RUNNING', 0, ?, ?, ?, ?)"
          + " ON CONFLICT (run_id) DO NOTHING";

  private static final String END =
      "UPDATE firebreak_run SET status = ?, output = ?, ended_at = ?, owner = NULL,"
          + " version = version + 1, updated_at = ?, timeline = COALESCE(timeline, '') || ?,"
          + " retrying = 0, parked_on = NULL WHERE run_id = ? AND owner = ?";

  private static final String NOTES =
      "UPDATE firebreak_run SET timeline = COALESCE(timeline, '') || ?, retrying = ?,"
          + " parked_on = ? WHERE run_id = ? AND owner = ?";

  private final JdbcStore store;
  private final Leases leases;
  private final JdbcClaims claims;
  private final String insertStep;
  private final String upsertAttempt;

  JdbcRunWrites(JdbcStore store, Leases leases, JdbcClaims claims) {
    this.store = store;
    this.leases = leases;
    this.claims = claims;
    this.insertStep =
        "INSERT INTO firebreak_step (run_id, step, output, attempts, seq)"
            + " SELECT run_id, ?, ?, ?,"
            + " (SELECT coalesce(max(seq), 0) + 1 FROM firebreak_step WHERE run_id = ?)"
            + " FROM firebreak_run WHERE run_id = ? AND owner = ?"
            + store.ownedRowLock();
    this.upsertAttempt =
        "INSERT INTO firebreak_attempt (run_id, step, attempts)"
            + " SELECT run_id, ?, ? FROM firebreak_run WHERE run_id = ? AND owner = ?"
            + store.ownedRowLock()
            + " ON CONFLICT (run_id, step) DO UPDATE SET attempts = excluded.attempts";
  }

  /**
   * Opens a run owned by this node; if it exists, returns it as recorded, and takes it over if it
   * is unfinished (or is refused).
   */
  RowWrite<RunRecord> open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    long now = leases.now();
    return RowWrite.of(
            store,
            OPEN,
            s -> {
              s.setString(1, runId);
              s.setString(2, workflow);
              s.setString(3, entryPoint);
              s.setString(4, graphHash);
              s.setLong(5, now);
              s.setLong(6, now);
              s.setBytes(7, inputs);
              s.setString(8, leases.owner());
            },
            (c, rows) -> {
              if (rows == 1) {
                return new RunRecord(
                    runId,
                    workflow,
                    entryPoint,
                    graphHash,
                    WorkflowStatus.RUNNING,
                    Map.of(),
                    Map.of(),
                    inputs,
                    null);
              }
              RunRecord existing = store.load(c, runId).orElseThrow();
              if (!existing.status().isTerminal()) {
                // The claim changes only the owner and version, which a RunRecord does not show.
                claims.claim(c, runId);
              }
              return existing;
            })
        .countedMayWrite();
  }

  /** Records a step's checkpoint; refused if the run is not this node's or the step is recorded. */
  RowWrite<Void> step(String runId, String step, byte[] output, int attempts) {
    return RowWrite.<Void>of(
            store,
            insertStep,
            s -> {
              s.setString(1, step);
              s.setBytes(2, output);
              s.setInt(3, attempts);
              s.setString(4, runId);
              s.setString(5, runId);
              s.setString(6, leases.owner());
            },
            (c, rows) -> ownedIf(c, rows, runId))
        .translating(e -> alreadyRecorded(e, runId, step));
  }

  /** Records how many attempts a step has made so far, and the run's notes. */
  RowWrite<Void> attempt(String runId, String step, int attempts, RunNotes notes) {
    return attempt(runId, step, attempts).then(NOTES, noting(runId, notes), (c, rows) -> null);
  }

  /** Records the run's notes alone. */
  RowWrite<Void> notes(String runId, RunNotes notes) {
    return RowWrite.of(store, NOTES, noting(runId, notes), (c, rows) -> ownedIf(c, rows, runId));
  }

  private RowWrite.Binding noting(String runId, RunNotes notes) {
    return s -> {
      s.setString(1, notes.timelineJson());
      s.setInt(2, notes.retrying());
      s.setString(3, notes.parkedOn());
      s.setString(4, runId);
      s.setString(5, leases.owner());
    };
  }

  /** Records how many attempts a step has made so far. */
  RowWrite<Void> attempt(String runId, String step, int attempts) {
    return RowWrite.of(
        store,
        upsertAttempt,
        s -> {
          s.setString(1, step);
          s.setInt(2, attempts);
          s.setString(3, runId);
          s.setString(4, leases.owner());
        },
        (c, rows) -> ownedIf(c, rows, runId));
  }

  /** Ends the run with its output and the rest of its timeline; afterwards nobody owns it. */
  RowWrite<Void> end(String runId, WorkflowStatus status, byte[] output, String timeline) {
    return RowWrite.of(
        store, END, ending(runId, status, output, timeline), (c, rows) -> ownedIf(c, rows, runId));
  }

  /** The last step's checkpoint, then the run's end: one write. */
  RowWrite<Void> stepAndEnd(
      String runId,
      WorkflowStatus status,
      byte[] output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts,
      String timeline) {
    return step(runId, lastStep, lastStepOutput, lastStepAttempts)
        .then(END, ending(runId, status, output, timeline), (c, rows) -> ownedIf(c, rows, runId));
  }

  private RowWrite.Binding ending(
      String runId, WorkflowStatus status, byte[] output, String timeline) {
    long now = leases.now();
    return s -> {
      s.setString(1, status.name());
      s.setBytes(2, output);
      s.setLong(3, now);
      s.setLong(4, now);
      s.setString(5, timeline);
      s.setString(6, runId);
      s.setString(7, leases.owner());
    };
  }

  /** Nothing if the statement wrote its row; else why the run refused it. */
  private Void ownedIf(Connection c, int rows, String runId) throws SQLException {
    if (rows == 0) {
      throw claims.refused(c, runId);
    }
    return null;
  }

  private static RuntimeException alreadyRecorded(SQLException e, String runId, String step) {
    if ("23505".equals(e.getSQLState())
        || (e.getMessage() != null && e.getMessage().contains("UNIQUE"))) {
      return new IllegalStateException(
          "step '" + step + "' of run " + runId + " is already recorded", e);
    }
    return null;
  }

  /**
   * Sets the run's status and notes; an ended run is owned by nobody (anyone may attach to it, or
   * replay it), and retries nothing, parked on nothing.
   */
  void setStatus(Connection c, String runId, WorkflowStatus status, RunNotes notes)
      throws SQLException {
    claims.owned(c, runId);
    PreparedStatement update =
        store.prepare(
            c,
            "UPDATE firebreak_run SET status = ?, ended_at = CASE WHEN ? THEN ? ELSE NULL END,"
                + " owner = CASE WHEN ? THEN NULL ELSE owner END,"
                + " timeline = COALESCE(timeline, '') || ?, retrying = ?, parked_on = ?"
                + " WHERE run_id = ?");
    boolean ended = status.isTerminal();
    try {
      update.setString(1, status.name());
      update.setBoolean(2, ended);
      update.setLong(3, leases.now());
      update.setBoolean(4, ended);
      update.setString(5, notes.timelineJson());
      update.setInt(6, ended ? 0 : notes.retrying());
      update.setString(7, ended ? null : notes.parkedOn());
      update.setString(8, runId);
      update.executeUpdate();
    } finally {
      store.release(update);
    }
  }

  /** Forgets the checkpoints and attempts of {@code steps}, for them to run again. */
  void deleteSteps(Connection c, String runId, List<String> steps) throws SQLException {
    for (String table : List.of("firebreak_step", "firebreak_attempt")) {
      PreparedStatement delete =
          store.prepare(c, "DELETE FROM " + table + " WHERE run_id = ? AND step = ?");
      try {
        for (String step : steps) {
          delete.setString(1, runId);
          delete.setString(2, step);
          delete.addBatch();
        }
        delete.executeBatch();
      } finally {
        store.release(delete);
      }
    }
  }

  /** Moves a failed run back to RUNNING, owned by this node, without {@code steps}' checkpoints. */
  RunRecord reopen(Connection c, String runId, WorkflowStatus expected, List<String> steps)
      throws SQLException {
    PreparedStatement update =
        store.prepare(
            c,
            "UPDATE firebreak_run SET status = 'RUNNING', ended_at = NULL, owner = ?,"
                + " version = version + 1, updated_at = ? WHERE run_id = ? AND status = ?");
    try {
      update.setString(1, leases.owner());
      update.setLong(2, leases.now());
      update.setString(3, runId);
      update.setString(4, expected.name());
      if (update.executeUpdate() == 0) {
        throw store
            .load(c, runId)
            .<RuntimeException>map(
                r ->
                    new IllegalStateException(
                        "run "
                            + runId
                            + " is "
                            + r.status()
                            + ", not "
                            + expected
                            + " as read: not reopened"))
            .orElseGet(
                () -> new NoSuchElementException("no run " + runId + " in " + store.describe()));
      }
    } finally {
      store.release(update);
    }
    deleteSteps(c, runId, steps);
    return store.load(c, runId).orElseThrow();
  }

  /** Deletes the runs that ended before {@code cutoff} (epoch millis); returns how many. */
  int purgeFinished(Connection c, long cutoff) throws SQLException {
    for (String table : List.of("firebreak_step", "firebreak_attempt")) {
      PreparedStatement delete =
          store.prepare(
              c,
              "DELETE FROM "
                  + table
                  + " WHERE run_id IN (SELECT run_id FROM firebreak_run"
                  + " WHERE ended_at IS NOT NULL AND ended_at < ?)");
      try {
        delete.setLong(1, cutoff);
        delete.executeUpdate();
      } finally {
        store.release(delete);
      }
    }
    PreparedStatement delete =
        store.prepare(c, "DELETE FROM firebreak_run WHERE ended_at IS NOT NULL AND ended_at < ?");
    try {
      delete.setLong(1, cutoff);
      return delete.executeUpdate();
    } finally {
      store.release(delete);
    }
  }
}
