package dev.firebreak.runtime.store;

import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runs API of a SQL store: pages of {@code firebreak_run}, newest first, each served by one of
 * the indexes {@link JdbcSchema} keeps for it (by creation; by status; by workflow; by workflow and
 * entry point; of runs retrying; of parked runs by breaker; each ending in creation time and run
 * id), counts by status, and a run's timeline.
 */
final class JdbcRunQueries {
  private final JdbcStore store;

  JdbcRunQueries(JdbcStore store) {
    this.store = store;
  }

  /** The SELECT for {@code query}, with its parameters added to {@code params}. */
  static String sql(RunQuery query, List<Object> params) {
    StringBuilder where = new StringBuilder();
    if (!query.statuses().isEmpty()) {
      List<String> names = new ArrayList<>();
      for (WorkflowStatus s : WorkflowStatus.values()) {
        if (query.statuses().contains(s)) {
          names.add("?");
          params.add(s.name());
        }
      }
      and(where, "status IN (" + String.join(", ", names) + ")");
    }
    if (query.workflow() != null) {
      and(where, "workflow = ?");
      params.add(query.workflow());
    }
    if (query.entryPoint() != null) {
      and(where, "entry_point = ?");
      params.add(query.entryPoint());
    }
    // Every end clears both columns, and a node of an older release refuses a database of this
    // schema, so no ended run is left with either set.
    if (query.retryingNow()) {
      and(where, "retrying > 0");
    }
    if (query.parkedOn() != null) {
      and(where, "parked_on = ?");
      params.add(query.parkedOn());
    }
    if (query.createdFrom() != null) {
      and(where, "created_at >= ?");
      params.add(query.createdFrom().toEpochMilli());
    }
    if (query.createdBefore() != null) {
      and(where, "created_at < ?");
      params.add(query.createdBefore().toEpochMilli());
    }
    if (query.after() != null) {
      RunQuery.Cursor cursor = RunQuery.Cursor.decode(query.after());
      and(where, "(created_at, run_id) < (?, ?)");
      params.add(cursor.createdAt());
      params.add(cursor.runId());
    }
    params.add(query.limit() + 1);
    return select(query.data()) + where + " ORDER BY created_at DESC, run_id DESC LIMIT ?";
  }

  private static String select(boolean data) {
    return "SELECT run_id, workflow, entry_point, status, created_at, ended_at, owner, retrying,"
        + " parked_on"
        + (data ? ", inputs, output" : "")
        + " FROM firebreak_run";
  }

  private static void and(StringBuilder where, String condition) {
    where.append(where.length() == 0 ? " WHERE " : " AND ").append(condition);
  }

  RunPage list(RunQuery query) {
    List<Object> params = new ArrayList<>();
    String sql = sql(query, params);
    return store.read(
        c -> {
          List<RunSummary> found = new ArrayList<>();
          try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, params);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                found.add(summary(rs, query.data()));
              }
            }
          }
          return RunPage.of(found, query.limit());
        });
  }

  Optional<RunSummary> summary(String runId, boolean data) {
    return store.read(
        c -> {
          try (PreparedStatement q = c.prepareStatement(select(data) + " WHERE run_id = ?")) {
            q.setString(1, runId);
            try (ResultSet rs = q.executeQuery()) {
              return rs.next() ? Optional.of(summary(rs, data)) : Optional.<RunSummary>empty();
            }
          }
        });
  }

  private static RunSummary summary(ResultSet rs, boolean data) throws SQLException {
    long ended = rs.getLong(6);
    boolean running = rs.wasNull();
    return new RunSummary(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        WorkflowStatus.valueOf(rs.getString(4)),
        Instant.ofEpochMilli(rs.getLong(5)),
        running ? null : Instant.ofEpochMilli(ended),
        rs.getString(7),
        rs.getInt(8),
        rs.getString(9),
        data ? rs.getBytes(10) : null,
        data ? rs.getBytes(11) : null);
  }

  /** The run's timeline as its writes appended it; empty if none (or no such run). */
  String timeline(String runId) {
    return store.read(
        c -> {
          try (PreparedStatement q =
              c.prepareStatement("SELECT timeline FROM firebreak_run WHERE run_id = ?")) {
            q.setString(1, runId);
            try (ResultSet rs = q.executeQuery()) {
              String lines = rs.next() ? rs.getString(1) : null;
              return lines == null ? "" : lines;
            }
          }
        });
  }

  Map<WorkflowStatus, Long> count() {
    return store.read(
        c -> {
          Map<WorkflowStatus, Long> counts = new EnumMap<>(WorkflowStatus.class);
          try (PreparedStatement q =
                  c.prepareStatement("SELECT status, count(*) FROM firebreak_run GROUP BY status");
              ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              counts.put(WorkflowStatus.valueOf(rs.getString(1)), rs.getLong(2));
            }
          }
          return Collections.unmodifiableMap(counts);
        });
  }

  /** The plan {@code explain} (the dialect's EXPLAIN prefix) gives {@code query}, as text. */
  String plan(RunQuery query, String explain) {
    List<Object> params = new ArrayList<>();
    return plan(store, explain + sql(query, params), params);
  }

  /** The plan of {@code sql} (an EXPLAIN) with {@code params}, as the database gives it. */
  static String plan(JdbcStore store, String sql, List<Object> params) {
    return store.read(
        c -> {
          StringBuilder plan = new StringBuilder();
          try (PreparedStatement q = c.prepareStatement(sql)) {
            bind(q, params);
            try (ResultSet rs = q.executeQuery()) {
              int columns = rs.getMetaData().getColumnCount();
              while (rs.next()) {
                plan.append(rs.getString(columns)).append('\n');
              }
            }
          }
          return plan.toString();
        });
  }

  /** Binds {@code params} (Long, Integer or String) to {@code q}, in order. */
  static void bind(PreparedStatement q, List<Object> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof Long l) {
        q.setLong(i + 1, l);
      } else if (p instanceof Integer n) {
        q.setInt(i + 1, n);
      } else {
        q.setString(i + 1, (String) p);
      }
    }
  }
}
