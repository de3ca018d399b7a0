package dev.firebreak.runtime.store;

import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.WorkflowStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * How a SQL store applies its {@link Leases}: this node's heartbeat row, the claim that moves one
 * run from a gone owner to this node, and the refusals. Each works inside the caller's transaction;
 * the sweep that takes many runs at once is {@link JdbcSweep}.
 *
 * <p>Every change of owner is a compare-and-set on what was read: a run is taken only at the
 * version (or from the owner) read when its owner was found gone, and an owner is declared gone
 * only at the heartbeat read. Under PostgreSQL's read committed, a concurrent heartbeat or claim
 * then makes the write match no row, rather than letting it act on a stale view of another table.
 */
final class JdbcClaims {
  /** The condition that keeps a claim off an ended run, whose record is final. */
  static final String UNFINISHED = " AND status IN ('RUNNING', 'PARKED')";

  private final JdbcStore store;
  private final Leases leases;

  JdbcClaims(JdbcStore store, Leases leases) {
    this.store = store;
    this.leases = leases;
  }

  // -----------------------------------------------------------------------------------------------
  // This node

  /**
   * Renews this node's lease; true if the lease it renews had not ended (nor been ended by another
   * node that found this process gone).
   */
  boolean heartbeat(Connection c) throws SQLException {
    long now = leases.now();
    PreparedStatement renew =
        store.prepare(
            c,
            "UPDATE firebreak_node SET heartbeat_until = ? WHERE owner = ? AND heartbeat_until >= ?");
    try {
      renew.setLong(1, leases.until(now));
      renew.setString(2, leases.owner());
      renew.setLong(3, now);
      if (renew.executeUpdate() == 1) {
        return true;
      }
    } finally {
      store.release(renew);
    }
    PreparedStatement register =
        store.prepare(
            c,
            "INSERT INTO firebreak_node (owner, heartbeat_until, started_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (owner) DO UPDATE SET heartbeat_until = excluded.heartbeat_until");
    try {
      register.setString(1, leases.owner());
      register.setLong(2, leases.until(now));
      register.setLong(3, now);
      register.executeUpdate();
      return false;
    } finally {
      store.release(register);
    }
  }

  /**
   * Hands every unfinished run of this node back to no owner and removes the node: its runs are
   * free for the next sweep of any node, at once.
   */
  void leave(Connection c) throws SQLException {
    PreparedStatement release =
        store.prepare(
            c,
            "UPDATE firebreak_run SET owner = NULL, version = version + 1 WHERE owner = ?"
                + UNFINISHED);
    try {
      release.setString(1, leases.owner());
      release.executeUpdate();
    } finally {
      store.release(release);
    }
    PreparedStatement delete = store.prepare(c, "DELETE FROM firebreak_node WHERE owner = ?");
    try {
      delete.setString(1, leases.owner());
      delete.executeUpdate();
    } finally {
      store.release(delete);
    }
  }

  /** Of {@code runIds}, those this node still owns, each moved to its next version. */
  Set<String> confirm(Connection c, Collection<String> runIds) throws SQLException {
    List<String> ids = List.copyOf(runIds);
    PreparedStatement update =
        store.prepare(
            c,
            "UPDATE firebreak_run SET version = version + 1 WHERE run_id = ? AND owner = ?"
                + UNFINISHED);
    try {
      for (String id : ids) {
        update.setString(1, id);
        update.setString(2, leases.owner());
        update.addBatch();
      }
      return taken(ids, update.executeBatch());
    } finally {
      store.release(update);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // One run

  /**
   * Moves the unfinished run to its next version if this node owns it. A node that lost a run never
   * takes it back by writing to it: what it holds in memory may be behind the store.
   *
   * @throws RunOwnedElsewhereException if another node owns it (nothing is written)
   */
  void owned(Connection c, String runId) throws SQLException {
    if (confirm(c, List.of(runId)).isEmpty()) {
      throw refused(c, runId);
    }
  }

  /**
   * Moves the unfinished run to its next version, owned by this node: it is already this node's,
   * owned by nobody, or its owner is gone.
   *
   * @throws RunOwnedElsewhereException if its owner lives (nothing is written)
   */
  void claim(Connection c, String runId) throws SQLException {
    if (!tryClaim(c, runId)) {
      throw refused(c, runId);
    }
  }

  /** {@link #claim}, false instead of a refusal. */
  boolean tryClaim(Connection c, String runId) throws SQLException {
    // A concurrent claim or heartbeat makes the compare-and-set miss; read again, a few times.
    for (int tries = 0; tries < 3; tries++) {
      Holder holder = holder(c, runId);
      if (holder == null || holder.ended()) {
        return false;
      }
      if (holder.owner != null
          && !holder.owner.equals(leases.owner())
          && !gone(c, holder.owner, holder.heartbeatUntil)) {
        return false;
      }
      PreparedStatement update =
          store.prepare(
              c,
              "UPDATE firebreak_run SET version = version + 1, updated_at = ?, owner = ?"
                  + " WHERE run_id = ? AND version = ?"
                  + UNFINISHED);
      try {
        update.setLong(1, leases.now());
        update.setString(2, leases.owner());
        update.setString(3, runId);
        update.setLong(4, holder.version);
        if (update.executeUpdate() == 1) {
          return true;
        }
      } finally {
        store.release(update);
      }
    }
    return false;
  }

  /** A run's owner, as read: its id (null: nobody), its heartbeat (null: no row), the version. */
  private record Holder(String owner, Long heartbeatUntil, long version, String status) {
    boolean ended() {
      return WorkflowStatus.valueOf(status).isTerminal();
    }
  }

  private Holder holder(Connection c, String runId) throws SQLException {
    PreparedStatement q =
        store.prepare(
            c,
            "SELECT r.owner, n.heartbeat_until, r.version, r.status FROM firebreak_run r"
                + " LEFT JOIN firebreak_node n ON n.owner = r.owner WHERE r.run_id = ?");
    try {
      q.setString(1, runId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        long until = rs.getLong(2);
        return new Holder(
            rs.getString(1), rs.wasNull() ? null : until, rs.getLong(3), rs.getString(4));
      }
    } finally {
      store.release(q);
    }
  }

  /**
   * Whether the node {@code owner}, whose heartbeat lease was read as {@code heartbeatUntil} (null:
   * it has no row), is gone: no row, its lease ended, or the store knows its process ended — then
   * its lease is ended here, so that it learns it was counted gone if it lives after all.
   */
  boolean gone(Connection c, String owner, Long heartbeatUntil) throws SQLException {
    if (heartbeatUntil == null || heartbeatUntil < leases.now()) {
      return true;
    }
    if (!store.processEnded(c, owner)) {
      return false;
    }
    PreparedStatement end =
        store.prepare(
            c,
            "UPDATE firebreak_node SET heartbeat_until = 0 WHERE owner = ? AND heartbeat_until = ?");
    try {
      end.setString(1, owner);
      end.setLong(2, heartbeatUntil);
      return end.executeUpdate() == 1;
    } finally {
      store.release(end);
    }
  }

  /** The ids whose update counts are 1 (or unknown but successful), in order. */
  static Set<String> taken(List<String> ids, int[] counts) {
    Set<String> taken = new LinkedHashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (counts[i] > 0 || counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
        taken.add(ids.get(i));
      }
    }
    return taken;
  }

  // -----------------------------------------------------------------------------------------------

  /**
   * Why a write to {@code runId} matched no row: no such run, a live owner, or (for a write that
   * needs the run owned here) a run nobody owns, since it ended.
   */
  RuntimeException refused(Connection c, String runId) throws SQLException {
    Holder holder = holder(c, runId);
    if (holder == null) {
      return new NoSuchElementException("no run " + runId + " in " + store.describe());
    }
    if (holder.ended()) {
      return new IllegalStateException(
          "run "
              + runId
              + " is "
              + holder.status
              + " and owned by no node: an ended run's record no"
              + " longer changes (a failed run is replayed)");
    }
    if (holder.owner == null) {
      return new IllegalStateException(
          "run "
              + runId
              + " is "
              + holder.status
              + " and owned by no node: open it before writing to it");
    }
    return new RunOwnedElsewhereException(
        runId,
        holder.owner,
        Instant.ofEpochMilli(holder.heartbeatUntil == null ? 0 : holder.heartbeatUntil));
  }
}
