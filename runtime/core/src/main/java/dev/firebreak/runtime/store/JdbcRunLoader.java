package dev.firebreak.runtime.store;

import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads runs of a SQL store in bulk: one query for the runs, one for their attempt counts, one for
 * their step outputs, however many runs a condition selects (a claim of 500 runs reads them back in
 * three queries, not 1,500).
 */
final class JdbcRunLoader {
  private JdbcRunLoader() {}

  /** A run's columns while its steps are read. */
  private static final class Loading {
    final String runId;
    final String workflow;
    final String entryPoint;
    final String graphHash;
    final WorkflowStatus status;
    final byte[] inputs;
    final byte[] output;
    final Map<String, byte[]> outputs = new LinkedHashMap<>();
    final Map<String, Integer> attempts = new LinkedHashMap<>();

    Loading(ResultSet rs) throws SQLException {
      runId = rs.getString(1);
      workflow = rs.getString(2);
      entryPoint = rs.getString(3);
      graphHash = rs.getString(4);
      status = WorkflowStatus.valueOf(rs.getString(5));
      inputs = rs.getBytes(6);
      output = rs.getBytes(7);
    }

    RunRecord record() {
      return new RunRecord(
          runId, workflow, entryPoint, graphHash, status, outputs, attempts, inputs, output);
    }
  }

  /**
   * The runs that {@code where} (a condition on firebreak_run, with {@code params}) selects, with
   * their steps and attempts, in {@code creationOrder}: three queries however many runs.
   */
  static List<RunRecord> loadAll(
      Connection c, String where, List<String> params, String creationOrder) throws SQLException {
    Map<String, Loading> runs = new LinkedHashMap<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT run_id, workflow, entry_point, graph_hash, status, inputs, output FROM firebreak_run WHERE "
                + where
                + " ORDER BY "
                + creationOrder)) {
      bind(q, params);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Loading run = new Loading(rs);
          runs.put(run.runId, run);
        }
      }
    }
    String selected = " WHERE run_id IN (SELECT run_id FROM firebreak_run WHERE " + where + ")";
    try (PreparedStatement q =
        c.prepareStatement("SELECT run_id, step, attempts FROM firebreak_attempt" + selected)) {
      bind(q, params);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Loading run = runs.get(rs.getString(1));
          if (run != null) {
            run.attempts.put(rs.getString(2), rs.getInt(3));
          }
        }
      }
    }
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT run_id, step, output, attempts FROM firebreak_step"
                + selected
                + " ORDER BY run_id, seq")) {
      bind(q, params);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Loading run = runs.get(rs.getString(1));
          if (run != null) {
            run.outputs.put(rs.getString(2), rs.getBytes(3));
            run.attempts.put(rs.getString(2), rs.getInt(4));
          }
        }
      }
    }
    List<RunRecord> records = new ArrayList<>(runs.size());
    for (Loading run : runs.values()) {
      records.add(run.record());
    }
    return records;
  }

  private static void bind(PreparedStatement q, List<String> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      q.setString(i + 1, params.get(i));
    }
  }
}
