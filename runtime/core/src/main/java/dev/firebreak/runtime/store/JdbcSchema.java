package dev.firebreak.runtime.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables of the SQL stores, described once; a {@link Dialect} states what differs between
 * SQLite and PostgreSQL. Every time is a number: milliseconds since the epoch, from the store's
 * clock.
 *
 * <ul>
 *   <li>{@code firebreak_run}: one row per run: its workflow and entry point, graph hash, status,
 *       version, times (created, updated, ended), encoded inputs and output, and owner: the node
 *       that runs it ({@code lease_until} is no longer written); its timeline (one JSON object per
 *       line: each attempt, degradation, parking and compensation), how many steps it is retrying
 *       now, and the breaker it is parked on.
 *   <li>{@code firebreak_step}: one row per checkpointed step output; the primary key (run, step)
 *       refuses a second record of a step; {@code seq} keeps completion order.
 *   <li>{@code firebreak_attempt}: attempts started, for steps without an output yet.
 *   <li>{@code firebreak_dead_letter}: one letter per failed run, with its step and {@code
 *       declared_by}, the agent method that declares the step (null when unknown).
 *   <li>{@code firebreak_node}: one row per node (owner id) with the end of its heartbeat lease; a
 *       node whose lease has ended is gone, and its runs are taken over.
 *   <li>{@code firebreak_breaker}: one row per shared circuit breaker, changed by compare-and-set
 *       on its version ({@link dev.firebreak.runtime.BreakerBoard}).
 *   <li>{@code firebreak_kv}: values by namespace and key, kept for integrations ({@link
 *       dev.firebreak.runtime.KeyValues}).
 * </ul>
 *
 * <p>An empty database gets {@link #create} at {@link #VERSION}. A database written before version
 * 5 keeps its dialect's own history (SQLite 1–4, PostgreSQL 1–3, frozen), then takes the shared
 * step to 5: its ISO-text times become numbers. From version 5 on, each version is one step both
 * dialects share ({@code since5}): 6 adds {@code firebreak_dead_letter.declared_by}, 7 the node
 * table (the owners of unfinished runs recorded as gone) and an index of runs by owner, 8 the
 * shared breakers' table, 9 the runs API's indexes (by status, creation, workflow, entry point), 10
 * the runs API's notes ({@code timeline}: JSON lines; {@code retrying}: steps retrying now; {@code
 * parked_on}: a breaker) with indexes of runs retrying and parked, 11 the table of values by key
 * ({@code firebreak_kv}), 12 the indexes of dead letters newest first, of all and by reason, and in
 * writing order. A database from a newer Firebreak is refused rather than misread.
 */
public final class JdbcSchema {
  /** The schema version this release writes. */
  public static final int VERSION = 12;

  /** What SQLite and PostgreSQL spell differently. */
  public enum Dialect {
    SQLITE("BLOB", "INTEGER", " WITHOUT ROWID", ""),
    POSTGRES("BYTEA", "BIGINT", "", ", created_seq BIGSERIAL");

    final String bytes;
    final String number;
    final String clusteredByKey;
    final String creationSequence;

    Dialect(String bytes, String number, String clusteredByKey, String creationSequence) {
      this.bytes = bytes;
      this.number = number;
      this.clusteredByKey = clusteredByKey;
      this.creationSequence = creationSequence;
    }
  }

  private JdbcSchema() {}

  /** The current schema, for an empty database. */
  static List<String> create(Dialect d) {
    return List.of(
        "CREATE TABLE firebreak_run (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL,"
            + " entry_point TEXT NOT NULL, graph_hash TEXT NOT NULL, status TEXT NOT NULL,"
            + (" version " + d.number + " NOT NULL, created_at " + d.number + " NOT NULL,")
            + (" updated_at " + d.number + " NOT NULL, inputs " + d.bytes + ", output " + d.bytes)
            + (", ended_at " + d.number + ", owner TEXT, lease_until " + d.number)
            + d.creationSequence
            + ", timeline TEXT, retrying INTEGER NOT NULL DEFAULT 0, parked_on TEXT)",
        RUNS_BY_STATUS,
        RUNS_BY_CREATION,
        RUNS_BY_WORKFLOW,
        RUNS_BY_ENTRY_POINT,
        RUNS_RETRYING,
        RUNS_PARKED,
        "CREATE INDEX firebreak_run_ended ON firebreak_run (ended_at) WHERE ended_at IS NOT NULL",
        "CREATE TABLE firebreak_step (run_id TEXT NOT NULL, step TEXT NOT NULL,"
            + (" output " + d.bytes + " NOT NULL, attempts INTEGER NOT NULL,")
            + (" seq " + d.number + " NOT NULL, PRIMARY KEY (run_id, step))")
            + d.clusteredByKey,
        "CREATE TABLE firebreak_attempt (run_id TEXT NOT NULL, step TEXT NOT NULL,"
            + " attempts INTEGER NOT NULL, PRIMARY KEY (run_id, step))"
            + d.clusteredByKey,
        "CREATE TABLE firebreak_dead_letter (run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL,"
            + " entry_point TEXT NOT NULL, reason TEXT NOT NULL, step TEXT,"
            + (" attempts INTEGER NOT NULL, error_chain " + d.bytes + " NOT NULL,")
            + (" time " + d.number + " NOT NULL, seq " + d.number + " NOT NULL,")
            + (" inputs " + d.bytes + ", declared_by TEXT)"),
        nodeTable(d),
        RUNS_BY_OWNER,
        breakerTable(d),
        keyValueTable(d),
        LETTERS_BY_TIME,
        LETTERS_BY_REASON,
        LETTERS_BY_SEQ);
  }

  // Version 12: dead letters a page at a time, newest first, of all and of one reason.
  private static final String LETTERS_BY_TIME =
      "CREATE INDEX firebreak_dead_letter_time ON firebreak_dead_letter (time, run_id)";
  private static final String LETTERS_BY_REASON =
      "CREATE INDEX firebreak_dead_letter_reason ON firebreak_dead_letter (reason, time, run_id)";
  // and the order letters were written in, which each write extends (max(seq) + 1).
  private static final String LETTERS_BY_SEQ =
      "CREATE INDEX firebreak_dead_letter_seq ON firebreak_dead_letter (seq)";

  // Version 9: the runs API's indexes, each ending in (created_at, run_id), the order of a page.
  private static final String RUNS_BY_STATUS =
      "CREATE INDEX firebreak_run_status ON firebreak_run (status, created_at, run_id)";
  private static final String RUNS_BY_CREATION =
      "CREATE INDEX firebreak_run_created ON firebreak_run (created_at, run_id)";
  private static final String RUNS_BY_WORKFLOW =
      "CREATE INDEX firebreak_run_workflow ON firebreak_run (workflow, created_at, run_id)";
  private static final String RUNS_BY_ENTRY_POINT =
      "CREATE INDEX firebreak_run_entry_point"
          + " ON firebreak_run (workflow, entry_point, created_at, run_id)";

  // Version 10: the runs API's notes, and the indexes of runs retrying now and parked by breaker.
  private static final String RUNS_RETRYING =
      "CREATE INDEX firebreak_run_retrying ON firebreak_run (created_at, run_id)"
          + " WHERE retrying > 0";
  private static final String RUNS_PARKED =
      "CREATE INDEX firebreak_run_parked ON firebreak_run (parked_on, created_at, run_id)"
          + " WHERE parked_on IS NOT NULL";

  /** Version 10: each run's timeline, steps retrying now and the breaker it is parked on. */
  private static final List<String> RUN_NOTES =
      List.of(
          "ALTER TABLE firebreak_run ADD COLUMN timeline TEXT",
          "ALTER TABLE firebreak_run ADD COLUMN retrying INTEGER NOT NULL DEFAULT 0",
          "ALTER TABLE firebreak_run ADD COLUMN parked_on TEXT",
          RUNS_RETRYING,
          RUNS_PARKED);

  /**
   * Version 9: the runs API's indexes; the index of unfinished runs by status gives way to the one
   * of all runs by status.
   */
  private static final List<String> RUN_QUERIES =
      List.of(
          "DROP INDEX firebreak_run_open",
          RUNS_BY_STATUS,
          RUNS_BY_CREATION,
          RUNS_BY_WORKFLOW,
          RUNS_BY_ENTRY_POINT);

  /** Version 11: values by namespace and key, for integrations. */
  private static String keyValueTable(Dialect d) {
    return "CREATE TABLE firebreak_kv (namespace TEXT NOT NULL, kv_key TEXT NOT NULL,"
        + (" kv_value " + d.bytes + " NOT NULL, PRIMARY KEY (namespace, kv_key))")
        + d.clusteredByKey;
  }

  /** Version 8: one row per circuit breaker shared by the nodes. */
  private static String breakerTable(Dialect d) {
    return "CREATE TABLE firebreak_breaker (name TEXT PRIMARY KEY, state TEXT NOT NULL,"
        + (" version " + d.number + " NOT NULL, open_until " + d.number + " NOT NULL,")
        + (" trial_node TEXT, trial_until " + d.number + " NOT NULL)");
  }

  /** Version 7: one row per node, and the runs of a node found by its id. */
  private static String nodeTable(Dialect d) {
    return "CREATE TABLE firebreak_node (owner TEXT PRIMARY KEY, heartbeat_until "
        + d.number
        + " NOT NULL, started_at "
        + d.number
        + " NOT NULL)";
  }

  private static final String RUNS_BY_OWNER =
      "CREATE INDEX firebreak_run_owner ON firebreak_run (owner, created_at)"
          + " WHERE status IN ('RUNNING', 'PARKED')";

  /**
   * Brings the schema of {@code c} from {@code version} to {@link #VERSION}, in the open
   * transaction of {@code c}; returns the new version.
   *
   * @throws SQLException if the database was written by a newer Firebreak
   */
  public static int migrate(Connection c, int version, Dialect d, String where)
      throws SQLException {
    if (version > VERSION) {
      throw new SQLException(
          where
              + " has schema version "
              + version
              + ", written by a newer Firebreak; this one knows up to "
              + VERSION);
    }
    if (version == VERSION) {
      return version;
    }
    try (Statement s = c.createStatement()) {
      if (version == 0) {
        for (String sql : create(d)) {
          s.execute(sql);
        }
        return VERSION;
      }
      if (version < 5) {
        List<List<String>> legacy = history(d);
        for (int v = version; v < legacy.size(); v++) {
          for (String sql : legacy.get(v)) {
            s.execute(sql);
          }
        }
        for (String sql : d == Dialect.SQLITE ? SQLITE_NUMERIC_TIMES : POSTGRES_NUMERIC_TIMES) {
          s.execute(sql);
        }
        version = 5;
      }
      for (int v = version; v < VERSION; v++) {
        for (String sql : since5(d).get(v - 5)) {
          s.execute(sql);
        }
      }
    }
    return VERSION;
  }

  // -----------------------------------------------------------------------------------------------
  // From version 5 on: one step per version, the same on both dialects. A new version adds its step
  // at the end of since5, its columns to create(), and raises VERSION.

  /** Version 6: a dead letter names the agent method that declares its step; null when unknown. */
  private static final List<String> DEAD_LETTER_DECLARED_BY =
      List.of("ALTER TABLE firebreak_dead_letter ADD COLUMN declared_by TEXT");

  /**
   * Version 7: nodes and their leases. The owners of unfinished runs written before it have no
   * heartbeat: they are recorded as gone (lease ended at 0), so their runs are taken over.
   */
  private static List<String> nodes(Dialect d) {
    return List.of(
        nodeTable(d),
        "INSERT INTO firebreak_node (owner, heartbeat_until, started_at)"
            + " SELECT DISTINCT owner, 0, 0 FROM firebreak_run"
            + " WHERE owner IS NOT NULL AND status IN ('RUNNING', 'PARKED')",
        RUNS_BY_OWNER);
  }

  /** Element {@code i} takes a database from version {@code 5 + i} to {@code 6 + i}. */
  private static List<List<String>> since5(Dialect d) {
    return List.of(
        DEAD_LETTER_DECLARED_BY,
        nodes(d),
        List.of(breakerTable(d)),
        RUN_QUERIES,
        RUN_NOTES,
        List.of(keyValueTable(d)),
        List.of(LETTERS_BY_TIME, LETTERS_BY_REASON, LETTERS_BY_SEQ));
  }

  // -----------------------------------------------------------------------------------------------
  // Before version 5: each dialect's own history, frozen. Times were ISO-8601 text then.

  /**
   * The statements that built {@code d}'s schema before version 5, one list per version from 1: how
   * a database written by an older Firebreak looks (tests build one with them).
   */
  public static List<List<String>> history(Dialect d) {
    return d == Dialect.SQLITE ? SQLITE_HISTORY : POSTGRES_HISTORY;
  }

  /** SQLite versions 1 to 4 (PRAGMA user_version). */
  private static final List<List<String>> SQLITE_HISTORY =
      List.of(
          List.of(
              "CREATE TABLE firebreak_run ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL,"
                  + " graph_hash TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,"
                  + " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
              "CREATE INDEX firebreak_run_open ON firebreak_run (status)"
                  + " WHERE status IN ('RUNNING', 'PARKED')",
              "CREATE TABLE firebreak_step ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, output BLOB NOT NULL,"
                  + " attempts INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (run_id, step))"
                  + " WITHOUT ROWID",
              "CREATE TABLE firebreak_dead_letter ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL,"
                  + " reason TEXT NOT NULL, step TEXT, attempts INTEGER NOT NULL,"
                  + " error_chain BLOB NOT NULL, time TEXT NOT NULL, seq INTEGER NOT NULL)"),
          List.of(
              "ALTER TABLE firebreak_run ADD COLUMN inputs BLOB",
              "ALTER TABLE firebreak_run ADD COLUMN output BLOB",
              "ALTER TABLE firebreak_run ADD COLUMN ended_at INTEGER",
              "CREATE INDEX firebreak_run_ended ON firebreak_run (ended_at)"
                  + " WHERE ended_at IS NOT NULL",
              "CREATE TABLE firebreak_attempt ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, attempts INTEGER NOT NULL,"
                  + " PRIMARY KEY (run_id, step)) WITHOUT ROWID"),
          List.of(
              "ALTER TABLE firebreak_run ADD COLUMN owner TEXT",
              "ALTER TABLE firebreak_run ADD COLUMN lease_until INTEGER"),
          List.of("ALTER TABLE firebreak_dead_letter ADD COLUMN inputs BLOB"));

  /** PostgreSQL versions 1 to 3 (table firebreak_schema). */
  private static final List<List<String>> POSTGRES_HISTORY =
      List.of(
          List.of(
              "CREATE TABLE firebreak_run ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL,"
                  + " graph_hash TEXT NOT NULL, status TEXT NOT NULL, version BIGINT NOT NULL,"
                  + " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, inputs BYTEA, output BYTEA,"
                  + " ended_at BIGINT, created_seq BIGSERIAL)",
              "CREATE INDEX firebreak_run_open ON firebreak_run (status)"
                  + " WHERE status IN ('RUNNING', 'PARKED')",
              "CREATE INDEX firebreak_run_ended ON firebreak_run (ended_at)"
                  + " WHERE ended_at IS NOT NULL",
              "CREATE TABLE firebreak_step ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, output BYTEA NOT NULL,"
                  + " attempts INTEGER NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (run_id, step))",
              "CREATE TABLE firebreak_attempt ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, attempts INTEGER NOT NULL,"
                  + " PRIMARY KEY (run_id, step))",
              "CREATE TABLE firebreak_dead_letter ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL,"
                  + " reason TEXT NOT NULL, step TEXT, attempts INTEGER NOT NULL,"
                  + " error_chain BYTEA NOT NULL, time TEXT NOT NULL, seq BIGINT NOT NULL)"),
          List.of(
              "ALTER TABLE firebreak_run ADD COLUMN owner TEXT",
              "ALTER TABLE firebreak_run ADD COLUMN lease_until BIGINT"),
          List.of("ALTER TABLE firebreak_dead_letter ADD COLUMN inputs BYTEA"));

  /**
   * Version 5 on SQLite: each ISO-text time becomes a new number column, filled from the text
   * (julianday reads ISO-8601 with its Z and any fraction), then the text column is dropped and the
   * number renamed.
   */
  private static final List<String> SQLITE_NUMERIC_TIMES =
      concat(
          sqliteToMillis("firebreak_run", "created_at"),
          sqliteToMillis("firebreak_run", "updated_at"),
          sqliteToMillis("firebreak_dead_letter", "time"));

  private static List<String> sqliteToMillis(String table, String column) {
    String millis = column + "_ms";
    return List.of(
        "ALTER TABLE " + table + " ADD COLUMN " + millis + " INTEGER NOT NULL DEFAULT 0",
        "UPDATE "
            + table
            + " SET "
            + millis
            + " = CAST(round((julianday("
            + column
            + ") - 2440587.5) * 86400000) AS INTEGER)",
        "ALTER TABLE " + table + " DROP COLUMN " + column,
        "ALTER TABLE " + table + " RENAME COLUMN " + millis + " TO " + column);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return List.copyOf(all);
  }

  /** Version 5 on PostgreSQL: each ISO-text time is converted in place. */
  private static final List<String> POSTGRES_NUMERIC_TIMES =
      List.of(
          postgresToMillis("firebreak_run", "created_at"),
          postgresToMillis("firebreak_run", "updated_at"),
          postgresToMillis("firebreak_dead_letter", "time"));

  private static String postgresToMillis(String table, String column) {
    return "ALTER TABLE "
        + table
        + " ALTER COLUMN "
        + column
        + " TYPE BIGINT USING floor(extract(epoch FROM "
        + column
        + "::timestamptz) * 1000)::BIGINT";
  }
}
