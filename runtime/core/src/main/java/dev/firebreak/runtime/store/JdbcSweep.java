package dev.firebreak.runtime.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A SQL store's sweep: the runs of gone nodes (and runs handed back) taken over by this node, in
 * bounded batches, inside the caller's transaction. Only the rows of gone owners are read: the
 * nodes first (one row each), then their runs through the index by owner. Candidates are locked
 * where the store can (FOR UPDATE SKIP LOCKED), so two nodes sweeping at once take different runs,
 * and their owners' leases are read again once they are locked.
 */
final class JdbcSweep {
  private final JdbcStore store;
  private final Leases leases;
  private final JdbcClaims claims;

  JdbcSweep(JdbcStore store, Leases leases, JdbcClaims claims) {
    this.store = store;
    this.leases = leases;
    this.claims = claims;
  }

  /**
   * Takes at most {@code max} unfinished runs of {@code entryPoints} whose owner is gone or that
   * have none, oldest first; returns the ids taken. Only the rows of gone owners are read: the
   * nodes first (one row each), then their runs through the index by owner.
   */
  List<String> takeOver(Connection c, Set<String> entryPoints, int max) throws SQLException {
    if (entryPoints.isEmpty() || max <= 0) {
      return List.of();
    }
    List<String> goneOwners = goneOwners(c);
    List<String[]> candidates = candidates(c, goneOwners, entryPoints, max);
    if (candidates.size() < max) {
      forget(c, goneOwners);
    }
    if (candidates.isEmpty()) {
      return List.of();
    }
    Set<String> alive = stillAlive(c, candidates);
    List<String> taken = new ArrayList<>();
    PreparedStatement fromOwner =
        store.prepare(
            c,
            "UPDATE firebreak_run SET owner = ?, version = version + 1, updated_at = ?"
                + " WHERE run_id = ? AND owner = ?"
                + JdbcClaims.UNFINISHED);
    PreparedStatement fromNobody =
        store.prepare(
            c,
            "UPDATE firebreak_run SET owner = ?, version = version + 1, updated_at = ?"
                + " WHERE run_id = ? AND owner IS NULL"
                + JdbcClaims.UNFINISHED);
    try {
      long now = leases.now();
      List<String> ownedIds = new ArrayList<>();
      List<String> freeIds = new ArrayList<>();
      for (String[] run : candidates) {
        String id = run[0];
        String owner = run[1];
        if (owner == null) {
          fromNobody.setString(1, leases.owner());
          fromNobody.setLong(2, now);
          fromNobody.setString(3, id);
          fromNobody.addBatch();
          freeIds.add(id);
        } else if (!alive.contains(owner)) {
          fromOwner.setString(1, leases.owner());
          fromOwner.setLong(2, now);
          fromOwner.setString(3, id);
          fromOwner.setString(4, owner);
          fromOwner.addBatch();
          ownedIds.add(id);
        }
      }
      if (!ownedIds.isEmpty()) {
        taken.addAll(JdbcClaims.taken(ownedIds, fromOwner.executeBatch()));
      }
      if (!freeIds.isEmpty()) {
        taken.addAll(JdbcClaims.taken(freeIds, fromNobody.executeBatch()));
      }
    } finally {
      store.release(fromOwner);
      store.release(fromNobody);
    }
    return taken;
  }

  /** Nodes other than this one that are gone (lease ended, or process ended). */
  private List<String> goneOwners(Connection c) throws SQLException {
    List<String> gone = new ArrayList<>();
    List<Object[]> rows = new ArrayList<>();
    PreparedStatement q =
        store.prepare(c, "SELECT owner, heartbeat_until FROM firebreak_node WHERE owner <> ?");
    try {
      q.setString(1, leases.owner());
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          rows.add(new Object[] {rs.getString(1), rs.getLong(2)});
        }
      }
    } finally {
      store.release(q);
    }
    for (Object[] row : rows) {
      if (claims.gone(c, (String) row[0], (Long) row[1])) {
        gone.add((String) row[0]);
      }
    }
    return gone;
  }

  /**
   * Up to {@code max} runs owned by {@code goneOwners} or by nobody, of {@code entryPoints}, oldest
   * first, each as {run id, owner}; locked, where the store can, and skipped if another node's
   * sweep holds them.
   */
  private List<String[]> candidates(
      Connection c, List<String> goneOwners, Set<String> entryPoints, int max) throws SQLException {
    List<String> entries = List.copyOf(entryPoints);
    StringBuilder sql =
        new StringBuilder("SELECT run_id, owner FROM firebreak_run WHERE (owner IS NULL");
    if (!goneOwners.isEmpty()) {
      sql.append(" OR owner IN (")
          .append(String.join(", ", Collections.nCopies(goneOwners.size(), "?")))
          .append(")");
    }
    sql.append(")").append(JdbcClaims.UNFINISHED).append(" AND (");
    for (int i = 0; i < entries.size(); i++) {
      sql.append(i == 0 ? "" : " OR ").append("(workflow = ? AND entry_point = ?)");
    }
    sql.append(") ORDER BY created_at LIMIT ?").append(store.skipLockedClause());
    PreparedStatement q = store.prepare(c, sql.toString());
    try {
      int p = 1;
      for (String owner : goneOwners) {
        q.setString(p++, owner);
      }
      for (String entry : entries) {
        int hash = entry.indexOf('#');
        q.setString(p++, entry.substring(0, hash));
        q.setString(p++, entry.substring(hash + 1));
      }
      q.setInt(p, max);
      List<String[]> out = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      return out;
    } finally {
      store.release(q);
    }
  }

  /**
   * Owners of {@code candidates} that live after all, read anew once the runs are locked: a node
   * that renewed its lease after the first read keeps its runs.
   */
  private Set<String> stillAlive(Connection c, List<String[]> candidates) throws SQLException {
    Set<String> owners = new LinkedHashSet<>();
    for (String[] run : candidates) {
      if (run[1] != null) {
        owners.add(run[1]);
      }
    }
    if (owners.isEmpty()) {
      return Set.of();
    }
    PreparedStatement q =
        store.prepare(
            c,
            "SELECT owner FROM firebreak_node WHERE heartbeat_until >= ? AND owner IN ("
                + String.join(", ", Collections.nCopies(owners.size(), "?"))
                + ")");
    try {
      q.setLong(1, leases.now());
      int p = 2;
      for (String owner : owners) {
        q.setString(p++, owner);
      }
      Set<String> alive = new HashSet<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          alive.add(rs.getString(1));
        }
      }
      return alive;
    } finally {
      store.release(q);
    }
  }

  /**
   * Removes the rows of gone nodes that own no unfinished run any more. A row another transaction
   * holds (a paused node's heartbeat, stopped mid-write) is skipped, not waited for: a sweep never
   * waits on a node it counts gone.
   */
  private void forget(Connection c, List<String> goneOwners) throws SQLException {
    if (goneOwners.isEmpty()) {
      return;
    }
    PreparedStatement delete =
        store.prepare(
            c,
            "DELETE FROM firebreak_node WHERE owner IN (SELECT n.owner FROM firebreak_node n"
                + " WHERE n.owner = ? AND n.heartbeat_until < ? AND NOT EXISTS"
                + " (SELECT 1 FROM firebreak_run r WHERE r.owner = n.owner"
                + " AND r.status IN ('RUNNING', 'PARKED'))"
                + store.skipLockedClause()
                + ")");
    try {
      long now = leases.now();
      for (String owner : goneOwners) {
        delete.setString(1, owner);
        delete.setLong(2, now);
        delete.addBatch();
      }
      delete.executeBatch();
    } finally {
      store.release(delete);
    }
  }
}
