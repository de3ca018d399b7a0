package dev.firebreak.runtime.store;

import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.WorkflowStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * How a SQL store applies its {@link Leases}: a claim takes an unfinished run for this process
 * (free, already ours, or its owner's lease expired) in the same statement that moves its version;
 * a renewal extends the leases this process holds; a write that matched no row is explained by
 * {@link #refused}. Each works inside the caller's transaction.
 */
final class JdbcClaims {
  /** The condition that keeps a claim off an ended run, whose record is final. */
  private static final String UNFINISHED = " AND status IN ('RUNNING', 'PARKED')";

  private final JdbcStore store;
  private final Leases leases;

  JdbcClaims(JdbcStore store, Leases leases) {
    this.store = store;
    this.leases = leases;
  }

  /**
   * Moves the run to its next version and renews this process's lease on it, taking it over if it
   * is free or its lease has expired; returns the new version.
   *
   * @throws RunOwnedElsewhereException if another owner holds a live lease (nothing is written)
   */
  void claim(Connection c, String runId) throws SQLException {
    if (!tryClaim(c, runId)) {
      throw refused(c, runId);
    }
  }

  /** {@link #claim}, false instead of a refusal. */
  boolean tryClaim(Connection c, String runId) throws SQLException {
    long now = leases.now();
    PreparedStatement update =
        store.prepare(
            c,
            "UPDATE firebreak_run SET version = version + 1, updated_at = ?, owner = ?, lease_until = ?"
                + " WHERE run_id = ? AND (owner = ? OR owner IS NULL OR lease_until < ?)"
                + UNFINISHED);
    try {
      update.setLong(1, now);
      update.setString(2, leases.owner());
      update.setLong(3, leases.until(now));
      update.setString(4, runId);
      update.setString(5, leases.owner());
      update.setLong(6, now);
      return update.executeUpdate() == 1;
    } finally {
      store.release(update);
    }
  }

  /** {@link #tryClaim} for each of {@code runIds}; returns those taken, in order. */
  List<String> tryClaimAll(Connection c, List<String> runIds) throws SQLException {
    List<String> taken = new ArrayList<>();
    for (String id : runIds) {
      if (tryClaim(c, id)) {
        taken.add(id);
      }
    }
    return taken;
  }

  /**
   * Extends this process's lease on each of {@code runIds} it still owns; others are left alone.
   */
  void renew(Connection c, List<String> runIds) throws SQLException {
    PreparedStatement update =
        store.prepare(c, "UPDATE firebreak_run SET lease_until = ? WHERE run_id = ? AND owner = ?");
    try {
      long until = leases.until(leases.now());
      for (String id : runIds) {
        update.setLong(1, until);
        update.setString(2, id);
        update.setString(3, leases.owner());
        update.addBatch();
      }
      update.executeBatch();
    } finally {
      store.release(update);
    }
  }

  /**
   * Why a write to {@code runId} matched no row: no such run, another owner's lease, or (for a
   * write that needs the run owned here) a run nobody owns, since it ended.
   */
  RuntimeException refused(Connection c, String runId) throws SQLException {
    PreparedStatement q =
        store.prepare(c, "SELECT owner, lease_until, status FROM firebreak_run WHERE run_id = ?");
    try {
      q.setString(1, runId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return new NoSuchElementException("no run " + runId + " in " + store.describe());
        }
        if (WorkflowStatus.valueOf(rs.getString(3)).isTerminal()) {
          return new IllegalStateException(
              "run "
                  + runId
                  + " is "
                  + rs.getString(3)
                  + " and owned by no process: an ended run's record no"
                  + " longer changes (a failed run is replayed)");
        }
        if (rs.getString(1) == null) {
          return new IllegalStateException(
              "run "
                  + runId
                  + " is "
                  + rs.getString(3)
                  + " and owned by no process: open it before writing to it");
        }
        return new RunOwnedElsewhereException(
            runId, rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
      }
    } finally {
      store.release(q);
    }
  }
}
