package dev.firebreak.runtime.postgres;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
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
 */
public final class PostgresStore extends JdbcStore {
  /** Any fixed number: the advisory lock that serialises migrations. */
  private static final long MIGRATION_LOCK = 0x46697265627265L;

  /** Writes committed together at most; bounds how long one transaction holds its rows. */
  private static final int MAX_BATCH = 512;

  private static final QueuedWrite<Void> STOP = QueuedWrite.signal();

  /**
   * Writer threads, each committing its own group: a statement is a round trip to the server, and
   * while one writer waits on its round trips or its commit the others apply theirs (1, 2 and 4
   * writers: 4,810, 6,534 and 7,890 checkpointed steps/s at 64 runs in BENCHMARKS.md's harness).
   * Each holds a pooled connection only while it applies and commits a group.
   */
  static final int WRITERS = 4;

  /**
   * Times a transaction chosen to break a deadlock is applied whole again before its writes fail.
   */
  private static final int ATTEMPTS = 3;

  private final DataSource dataSource;
  private final LinkedBlockingQueue<QueuedWrite<?>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writerThreads = new ArrayList<>();
  private volatile boolean closed;
  private final WriterStats stats = new WriterStats();

  private PostgresStore(DataSource dataSource, Leases leases) {
    super(leases);
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
  }

  /**
   * Opens the store on {@code dataSource} as {@link #defaultOwner()}; see the four-argument form.
   */
  public static PostgresStore open(DataSource dataSource) {
    return open(dataSource, Leases.defaults());
  }

  /**
   * Opens the store on {@code dataSource}, creating or migrating its tables. Runs started here are
   * owned by {@code owner} (see {@link JdbcStore#JdbcStore}) for {@code lease} past each claim or
   * renewal.
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
    for (int i = 0; i < WRITERS; i++) {
      Thread writer = new Thread(store::writeLoop, "firebreak-postgres-writer-" + i);
      writer.setDaemon(true);
      store.writerThreads.add(writer);
      writer.start();
    }
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
    if (closed) {
      throw new IllegalStateException("the Firebreak store in " + describe() + " is closed");
    }
    QueuedWrite<T> write = new QueuedWrite<>(work);
    queue.add(write);
    return write.await();
  }

  /**
   * Takes the writes queued so far, applies them in one transaction, commits it and tells their
   * callers; meanwhile the next writes queue up, so a slow commit makes the next one carry more.
   */
  private void writeLoop() {
    List<QueuedWrite<?>> batch = new ArrayList<>();
    boolean stopping = false;
    while (!stopping) {
      if (!QueuedWrite.takeSome(queue, batch, MAX_BATCH)) {
        break;
      }
      // close() queues a STOP for each writer: keep one, leave the others for the other writers.
      int stops = 0;
      while (batch.remove(STOP)) {
        stops++;
      }
      stopping = stops > 0;
      for (int i = 1; i < stops; i++) {
        queue.add(STOP);
      }
      if (!batch.isEmpty()) {
        commit(batch);
      }
      for (QueuedWrite<?> write : batch) {
        write.complete();
      }
    }
    // Anything queued after close() was called fails instead of waiting forever.
    for (QueuedWrite<?> write; (write = queue.poll()) != null; ) {
      if (write == STOP) {
        queue.add(STOP);
        break;
      }
      write.failUnlessFailed(
          new IllegalStateException("the Firebreak store in " + describe() + " is closed"));
      write.complete();
    }
  }

  /**
   * Applies {@code batch} in one transaction and commits it; a write that fails is left out, and if
   * the commit fails (or no connection can be had) every write of the batch fails. A transaction
   * PostgreSQL aborts to break a deadlock (a batch holds the rows of many runs, and may meet
   * another process's, or another writer's, lease renewal) is applied whole again. The connection
   * goes back to the pool after each batch, so an idle store holds none and the pool replaces one
   * that broke.
   */
  private void commit(List<QueuedWrite<?>> batch) {
    String where = describe();
    long start = System.nanoTime();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      for (int attempt = 1; ; attempt++) {
        List<QueuedWrite<?>> open = new ArrayList<>(batch.size());
        for (QueuedWrite<?> write : batch) {
          if (write.failed()) {
            continue; // failed for its own reason on an earlier attempt
          }
          open.add(write);
          if (!write.applyTo(c, where)) {
            QueuedWrite.reapply(c, open, where);
          }
        }
        if (attempt == ATTEMPTS || !forgetTransientFailures(batch)) {
          break;
        }
        QueuedWrite.rollbackQuietly(c);
      }
      long applied = System.nanoTime();
      try {
        c.commit();
      } catch (SQLException e) {
        QueuedWrite.rollbackQuietly(c);
        throw e;
      }
      stats.record(batch.size(), applied - start, System.nanoTime() - applied);
    } catch (SQLException | RuntimeException e) {
      IllegalStateException failure =
          new IllegalStateException("write to " + where + " failed: " + e.getMessage(), e);
      for (QueuedWrite<?> write : batch) {
        write.failUnlessFailed(failure);
      }
    }
  }

  private static boolean forgetTransientFailures(List<QueuedWrite<?>> batch) {
    boolean any = false;
    for (QueuedWrite<?> write : batch) {
      any |= write.forgetTransientFailure();
    }
    return any;
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

  /** How the writer threads have spent their time so far: how many writes each commit carried. */
  public WriterStats writerStats() {
    return stats;
  }

  /** Writes waiting for a writer thread (for tests). */
  int queuedWrites() {
    return queue.size();
  }

  /** Waits for the queued writes and stops the writer threads; the pool stays yours to close. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < writerThreads.size(); i++) {
      queue.add(STOP);
    }
    try {
      for (Thread writer : writerThreads) {
        writer.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
