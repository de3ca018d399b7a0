package dev.firebreak.runtime.postgres;

import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.store.JdbcSchema;
import dev.firebreak.runtime.store.JdbcStore;
import dev.firebreak.runtime.store.Leases;
import dev.firebreak.runtime.store.QueuedWrite;
import dev.firebreak.runtime.store.WriterStats;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Runs, checkpoints and dead letters in PostgreSQL, through your {@link DataSource} (your pool,
 * your credentials; the driver is yours too: {@code org.postgresql:postgresql}).
 *
 * <p>Durability: a write is committed when the call that made it returns. Writes go through four
 * writer threads; each takes whatever has queued up, applies it in one transaction on a pooled
 * connection and commits it (group commit): concurrent runs share a commit and its WAL flush
 * instead of each paying their own, and a process uses at most four connections for writes however
 * many runs it has in flight (reads take their own from the pool). A failing write (a step recorded
 * twice, a run owned elsewhere) fails alone: the others of its transaction are applied again
 * without it. A transaction PostgreSQL aborts to break a deadlock is applied again whole. A write
 * that waits for a row another process has locked holds up the writes grouped with it until it gets
 * it.
 *
 * <p>A step's output and the run's new version are in the same transaction, and the primary key
 * (run, step) refuses a second record of one step. The schema is versioned in {@code
 * firebreak_schema} and migrated on open under an advisory lock, so two processes starting together
 * migrate once. {@link #close()} waits for the queued writes and stops the writer threads.
 *
 * <p>Each node also holds one connection of its own for a session advisory lock ({@link
 * SessionLocks}): when its process dies the server drops the lock, and the other nodes take its
 * runs over about three seconds later instead of waiting for its lease to end. Size your pool for
 * it: four writers, this one, and the reads.
 */
public final class PostgresStore extends JdbcStore {
  /** Any fixed number: the advisory lock that serialises migrations. */
  private static final long MIGRATION_LOCK = 0x46697265627265L;

  private final DataSource dataSource;
  private final Leases leases;
  private PostgresWriters writers;
  private SessionLocks sessionLocks;
  private BreakerHints breakerHints;

  private PostgresStore(DataSource dataSource, Leases leases) {
    super(leases);
    this.leases = leases;
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * Opens the store on {@code dataSource} as a node with a {@linkplain Leases#uniqueOwner() unique
   * id} and the {@linkplain Leases#DEFAULT_DURATION default lease}; see the four-argument form.
   */
  public static PostgresStore open(DataSource dataSource) {
    return open(dataSource, Leases.defaults());
  }

  /**
   * Opens the store on {@code dataSource}, creating or migrating its tables. Runs started here are
   * owned by the node {@code owner} (see {@link Leases#of}), alive for {@code lease} past each
   * heartbeat on {@code clock}.
   */
  public static PostgresStore open(
      DataSource dataSource, String owner, Duration lease, Clock clock) {
    return open(dataSource, Leases.of(owner, lease, clock));
  }

  private static PostgresStore open(DataSource dataSource, Leases leases) {
    PostgresStore store = new PostgresStore(dataSource, leases);
    store.transaction(
        c -> {
          try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS firebreak_schema (version INTEGER NOT NULL)");
            int version = 0;
            try (ResultSet rs = s.executeQuery("SELECT max(version) FROM firebreak_schema")) {
              if (rs.next()) {
                version = rs.getInt(1);
              }
            }
            int now =
                JdbcSchema.migrate(
                    c, version, JdbcSchema.Dialect.POSTGRES, "the PostgreSQL database");
            if (now != version) {
              s.execute("DELETE FROM firebreak_schema");
              s.execute("INSERT INTO firebreak_schema (version) VALUES (" + now + ")");
            }
          }
          return null;
        });
    store.writers = new PostgresWriters(store.dataSource, store.describe());
    store.sessionLocks =
        new SessionLocks(
            store.dataSource, leases.owner(), leases.heartbeatInterval().toMillis() * 3 / 2);
    store.sessionLocks.keep();
    store.breakerHints = new BreakerHints(store.dataSource);
    return store;
  }

  /** {@code work} in a transaction of its own, on this thread: for the migration on open. */
  private void transaction(Work<Void> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        work.apply(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        QueuedWrite.rollbackQuietly(c);
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot open the Firebreak store in " + describe() + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected <T> T write(Work<T> work) {
    return writers.write(work);
  }

  /**
   * Takes the writes queued so far, applies them in one transaction, commits it and tells their
   * callers; meanwhile the next writes queue up, so a slow commit makes the next one carry more.
   */
  @Override
  protected <T> T read(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return work.apply(c);
    } catch (SQLException e) {
      if (StoreUnavailableException.isConnectionFailure(e)) {
        throw new StoreUnavailableException(
            "read from " + describe() + " failed: the store is out of reach: " + e.getMessage(), e);
      }
      throw new IllegalStateException("read from " + describe() + " failed: " + e.getMessage(), e);
    }
  }

  /** How the writer threads have spent their time so far: how many writes each commit carried. */
  public WriterStats writerStats() {
    return writers.stats();
  }

  /** Writes waiting for a writer thread (for tests). */
  int queuedWrites() {
    return writers.queued();
  }

  /**
   * Waits for the queued writes, stops the writer threads and lets this node's lock go; the pool
   * stays yours to close.
   */
  @Override
  public void close() {
    if (writers != null) {
      writers.close();
    }
    if (sessionLocks != null) {
      sessionLocks.close();
    }
    if (breakerHints != null) {
      breakerHints.close();
    }
  }

  /** Keeps this node's session lock (taken again after a database restart), then beats. */
  @Override
  public boolean heartbeat() {
    if (sessionLocks != null) {
      sessionLocks.keep();
    }
    return super.heartbeat();
  }

  /**
   * A node whose session lock has been free for one and a half heartbeat intervals has ended: its
   * connection dropped with its process.
   */
  @Override
  protected boolean processEnded(Connection c, String owner) throws SQLException {
    return sessionLocks != null && sessionLocks.ended(c, owner, leases.now());
  }

  /** NOTIFY: the other nodes read the breaker's row at once, not at their next poll. */
  @Override
  protected void breakerSwapped(Connection c, String name) throws SQLException {
    BreakerHints.notify(c, name);
  }

  @Override
  protected void listenForBreakers(java.util.function.Consumer<String> changed) {
    breakerHints.listen(changed);
  }

  @Override
  protected String describe() {
    return "the PostgreSQL database";
  }

  @Override
  protected String creationOrder() {
    return "created_seq";
  }

  @Override
  protected String ownedRowLock() {
    return " FOR SHARE";
  }

  /** Two nodes sweeping at once lock and take different runs. */
  @Override
  protected String skipLockedClause() {
    return " FOR UPDATE SKIP LOCKED";
  }

  @Override
  protected String explainPrefix() {
    return "EXPLAIN ";
  }
}
