package dev.firebreak.runtime.postgres;

import dev.firebreak.runtime.store.JdbcStore;
import dev.firebreak.runtime.store.QueuedWrite;
import dev.firebreak.runtime.store.RowBatches;
import dev.firebreak.runtime.store.WriterStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;

/**
 * The PostgreSQL store's group commit: {@value #WRITERS} writer threads each take what has queued
 * up, apply it in one transaction on a pooled connection and commit it, so concurrent runs share
 * commits and a process holds at most {@value #WRITERS} connections for writes, each only while it
 * commits a group. A write that fails fails alone.
 */
final class PostgresWriters {
  /** Writes committed together at most; bounds how long one transaction holds its rows. */
  private static final int MAX_BATCH = 512;

  private static final QueuedWrite<Void> STOP = QueuedWrite.signal();

  /**
   * Writer threads, each committing its own group: a statement is a round trip to the server, and
   * while one writer waits on its round trips or its commit the others apply theirs (BENCHMARKS.md
   * measures 1, 2 and 4). Each holds a pooled connection only while it applies and commits a group.
   */
  static final int WRITERS = 4;

  /**
   * Times a transaction chosen to break a deadlock is applied whole again before its writes fail.
   */
  private static final int ATTEMPTS = 3;

  private final DataSource dataSource;
  private final String where;
  private final LinkedBlockingQueue<QueuedWrite<?>> queue = new LinkedBlockingQueue<>();
  private final List<Thread> writerThreads = new ArrayList<>();
  private volatile boolean closed;
  private final WriterStats stats = new WriterStats();

  /** Starts the writer threads, which write to {@code dataSource} ({@code where}, for messages). */
  PostgresWriters(DataSource dataSource, String where) {
    this.dataSource = dataSource;
    this.where = where;
    for (int i = 0; i < WRITERS; i++) {
      Thread writer = new Thread(this::writeLoop, "firebreak-postgres-writer-" + i);
      writer.setDaemon(true);
      writerThreads.add(writer);
      writer.start();
    }
  }

  WriterStats stats() {
    return stats;
  }

  /** Writes waiting for a writer thread. */
  int queued() {
    return queue.size();
  }

  /** Runs {@code work} in the next group commit and returns once that commit is done. */
  <T> T write(JdbcStore.Work<T> work) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store in " + where + " is closed");
    }
    QueuedWrite<T> write = new QueuedWrite<>(work);
    queue.add(write);
    return write.await();
  }

  /** Waits for the queued writes, then stops the writer threads. */
  void close() {
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
          new IllegalStateException("the Firebreak store in " + where + " is closed"));
      write.complete();
    }
  }

  /**
   * Applies {@code batch} in one transaction ({@link RowBatches}: a statement sent once for many
   * runs) and commits it; a write that fails is left out, and if the commit fails (or no connection
   * can be had) every write of the batch fails. A transaction PostgreSQL aborts to break a deadlock
   * (a batch holds the rows of many runs, and may meet another process's, or another writer's,
   * lease renewal) is applied whole again. The connection goes back to the pool after each batch,
   * so an idle store holds none and the pool replaces one that broke.
   */
  private void commit(List<QueuedWrite<?>> batch) {
    long start = System.nanoTime();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      for (int attempt = 1; ; attempt++) {
        RowBatches.apply(c, batch, where);
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
      RuntimeException failure = QueuedWrite.failure(where, e);
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
}
