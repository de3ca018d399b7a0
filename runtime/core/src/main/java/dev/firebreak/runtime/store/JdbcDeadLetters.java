package dev.firebreak.runtime.store;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterCursor;
import dev.firebreak.runtime.DeadLetterPage;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.codec.Codecs;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter queue of a SQL store, in its table {@code firebreak_dead_letter} (one letter per
 * run, listed in the order they were written), written and read through the store's own
 * connections. A letter's {@link DeadLetter#declaredBy()} is the column {@code declared_by}, null
 * when unknown (and in rows written before schema version 6). {@link #insert} is also how the store
 * writes a run's failure and its letter in one transaction.
 */
final class JdbcDeadLetters implements DeadLetterQueue {
  private static final CheckpointCodec<List<String>> CHAIN = Codecs.list(Codecs.STRING);

  private final JdbcStore store;

  JdbcDeadLetters(JdbcStore store) {
    this.store = store;
  }

  /**
   * Puts {@code letter} in the table of {@code c}'s database, replacing an earlier one of its run.
   */
  static void insert(Connection c, DeadLetter letter) throws SQLException {
    try (PreparedStatement upsert =
        c.prepareStatement(
            "INSERT INTO firebreak_dead_letter"
                + " (run_id, workflow, entry_point, reason, step, declared_by, attempts, error_chain,"
                + " time, inputs, seq)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " (SELECT coalesce(max(seq), 0) + 1 FROM firebreak_dead_letter))"
                + " ON CONFLICT (run_id) DO UPDATE SET workflow = excluded.workflow, entry_point = excluded.entry_point,"
                + " reason = excluded.reason, step = excluded.step, declared_by = excluded.declared_by,"
                + " attempts = excluded.attempts, error_chain = excluded.error_chain, time = excluded.time,"
                + " inputs = excluded.inputs, seq = excluded.seq")) {
      upsert.setString(1, letter.runId());
      upsert.setString(2, letter.workflow());
      upsert.setString(3, letter.entryPoint());
      upsert.setString(4, letter.reason().name());
      upsert.setString(5, letter.step());
      upsert.setString(6, letter.declaredBy().isEmpty() ? null : letter.declaredBy());
      upsert.setInt(7, letter.attempts());
      upsert.setBytes(8, Codecs.encode(CHAIN, letter.errorChain()));
      upsert.setLong(9, letter.time().toEpochMilli());
      upsert.setBytes(10, letter.inputs());
      upsert.executeUpdate();
    }
  }

  @Override
  public void add(DeadLetter letter) {
    RunIds.check(letter.runId());
    store.write(
        c -> {
          insert(c, letter);
          return null;
        });
  }

  @Override
  public List<DeadLetter> list() {
    return store.read(
        c -> {
          List<DeadLetter> letters = new ArrayList<>();
          try (PreparedStatement q = c.prepareStatement(SELECT + " ORDER BY seq");
              ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
              letters.add(letter(rs));
            }
          }
          return letters;
        });
  }

  @Override
  public java.util.Optional<DeadLetter> find(String runId) {
    return store.read(
        c -> {
          try (PreparedStatement q = c.prepareStatement(SELECT + " WHERE run_id = ?")) {
            q.setString(1, runId);
            try (ResultSet rs = q.executeQuery()) {
              return rs.next() ? java.util.Optional.of(letter(rs)) : java.util.Optional.empty();
            }
          }
        });
  }

  /**
   * Newest first through {@code firebreak_dead_letter_time}, or {@code _reason} for one reason: the
   * page reads {@code limit + 1} rows from the cursor on.
   */
  @Override
  public DeadLetterPage page(DeadLetterReason reason, int limit, String after) {
    DeadLetterCursor.checkLimit(limit);
    List<Object> params = new ArrayList<>();
    String sql = pageSql(reason, limit, after, params);
    return store.read(
        c -> {
          try (PreparedStatement q = c.prepareStatement(sql)) {
            JdbcRunQueries.bind(q, params);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                letters.add(letter(rs));
              }
            }
            return DeadLetterCursor.page(letters, limit);
          }
        });
  }

  private static String pageSql(
      DeadLetterReason reason, int limit, String after, List<Object> params) {
    DeadLetterCursor from = after == null ? null : DeadLetterCursor.decode(after);
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE 1 = 1");
    if (reason != null) {
      sql.append(" AND reason = ?");
      params.add(reason.name());
    }
    if (from != null) {
      // A row value, which both databases read as one bound of the index's range.
      sql.append(" AND (time, run_id) < (?, ?)");
      params.add(from.time());
      params.add(from.runId());
    }
    sql.append(" ORDER BY time DESC, run_id DESC LIMIT ?");
    params.add(limit + 1);
    return sql.toString();
  }

  /**
   * The database's plan ({@code explain} prefixed) of {@link #page}, or with {@code count} set, of
   * the count by reason.
   */
  String plan(DeadLetterReason reason, String after, boolean count, String explain) {
    List<Object> params = new ArrayList<>();
    String sql = explain + (count ? COUNT_BY_REASON : pageSql(reason, 50, after, params));
    return JdbcRunQueries.plan(store, sql, params);
  }

  private static final String COUNT_BY_REASON =
      "SELECT reason, count(*) FROM firebreak_dead_letter GROUP BY reason";

  /** Counted through {@code firebreak_dead_letter_reason}, one group per reason. */
  @Override
  public Map<DeadLetterReason, Long> countByReason() {
    return store.read(
        c -> {
          Map<DeadLetterReason, Long> counts = new EnumMap<>(DeadLetterReason.class);
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(COUNT_BY_REASON)) {
            while (rs.next()) {
              counts.put(DeadLetterReason.valueOf(rs.getString(1)), rs.getLong(2));
            }
          }
          return counts;
        });
  }

  private static final String SELECT =
      "SELECT run_id, workflow, entry_point, reason, step, declared_by, attempts, error_chain,"
          + " time, inputs FROM firebreak_dead_letter";

  private static DeadLetter letter(ResultSet rs) throws SQLException {
    return new DeadLetter(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        DeadLetterReason.valueOf(rs.getString(4)),
        rs.getString(5),
        rs.getString(6),
        rs.getInt(7),
        Codecs.decode(CHAIN, rs.getBytes(8)),
        Instant.ofEpochMilli(rs.getLong(9)),
        rs.getBytes(10));
  }

  @Override
  public int size() {
    return store.read(
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery("SELECT count(*) FROM firebreak_dead_letter")) {
            return rs.next() ? rs.getInt(1) : 0;
          }
        });
  }

  @Override
  public boolean discard(String runId) {
    RunIds.check(runId);
    return store.write(
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM firebreak_dead_letter WHERE run_id = ?")) {
            delete.setString(1, runId);
            return delete.executeUpdate() > 0;
          }
        });
  }
}
