package dev.firebreak.runtime.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * Runs, checkpoints and dead letters in PostgreSQL, through your {@link DataSource} (your pool,
 * your credentials; the driver is yours too: {@code org.postgresql:postgresql}).
 *
 * <p>Every write is one transaction committed before the call returns (PostgreSQL's own group
 * commit batches concurrent ones); a step's output and the run's new version are in the same
 * transaction, and the primary key (run, step) refuses a second record of one step. The schema is
 * versioned in {@code firebreak_schema} and migrated on open under an advisory lock, so two
 * processes starting together migrate once.
 */
public final class PostgresStore extends JdbcStore {
  /** The schema, one entry per version; a release only ever appends to this list. */
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              "CREATE TABLE firebreak_run ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL,"
                  + " graph_hash TEXT NOT NULL, status TEXT NOT NULL, version BIGINT NOT NULL,"
                  + " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, inputs BYTEA, output BYTEA,"
                  + " ended_at BIGINT, created_seq BIGSERIAL)",
              "CREATE INDEX firebreak_run_open ON firebreak_run (status) WHERE status IN ('RUNNING', 'PARKED')",
              "CREATE INDEX firebreak_run_ended ON firebreak_run (ended_at) WHERE ended_at IS NOT NULL",
              "CREATE TABLE firebreak_step ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, output BYTEA NOT NULL, attempts INTEGER NOT NULL,"
                  + " seq BIGINT NOT NULL, PRIMARY KEY (run_id, step))",
              "CREATE TABLE firebreak_attempt ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, attempts INTEGER NOT NULL, PRIMARY KEY (run_id, step))",
              "CREATE TABLE firebreak_dead_letter ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL, reason TEXT NOT NULL,"
                  + " step TEXT, attempts INTEGER NOT NULL, error_chain BYTEA NOT NULL, time TEXT NOT NULL,"
                  + " seq BIGINT NOT NULL)"),
          List.of(
              "ALTER TABLE firebreak_run ADD COLUMN owner TEXT",
              "ALTER TABLE firebreak_run ADD COLUMN lease_until BIGINT"),
          List.of("ALTER TABLE firebreak_dead_letter ADD COLUMN inputs BYTEA"));

  /** Any fixed number: the advisory lock that serialises migrations. */
  private static final long MIGRATION_LOCK = 0x46697265627265L;

  private final DataSource dataSource;

  private PostgresStore(DataSource dataSource, String owner, java.time.Duration lease, java.time.Clock clock) {
    super(owner, lease, clock);
    this.dataSource = dataSource;
  }

  /** Opens the store on {@code dataSource} as {@link #defaultOwner()}; see the four-argument form. */
  public static PostgresStore open(DataSource dataSource) {
    return open(dataSource, defaultOwner(), DEFAULT_LEASE, java.time.Clock.systemUTC());
  }

  /**
   * Opens the store on {@code dataSource}, creating or migrating its tables. Runs started here are
   * owned by {@code owner} (see {@link JdbcStore#JdbcStore}) for {@code lease} past each claim or renewal.
   */
  public static PostgresStore open(DataSource dataSource, String owner, java.time.Duration lease, java.time.Clock clock) {
    PostgresStore store = new PostgresStore(dataSource, owner, lease, clock);
    store.write(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        s.execute("CREATE TABLE IF NOT EXISTS firebreak_schema (version INTEGER NOT NULL)");
        int version = 0;
        try (ResultSet rs = s.executeQuery("SELECT max(version) FROM firebreak_schema")) {
          if (rs.next()) {
            version = rs.getInt(1);
          }
        }
        int now = migrate(c, version, MIGRATIONS, "the PostgreSQL database");
        if (now != version) {
          s.execute("DELETE FROM firebreak_schema");
          s.execute("INSERT INTO firebreak_schema (version) VALUES (" + now + ")");
        }
      }
      return null;
    });
    return store;
  }

  @Override
  protected <T> T write(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.apply(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("write to " + describe() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  protected <T> T read(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return work.apply(c);
    } catch (SQLException e) {
      throw new IllegalStateException("read from " + describe() + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  protected String describe() {
    return "the PostgreSQL database";
  }

  @Override
  protected String creationOrder() {
    return "created_seq";
  }
}
