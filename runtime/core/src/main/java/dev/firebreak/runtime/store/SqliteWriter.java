package dev.firebreak.runtime.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SQLite store's group commit: every write goes through one writer thread, which applies writes
 * as they arrive into one open transaction and commits whatever has queued up meanwhile; a syncer
 * thread then syncs the WAL once for all the commits made since its last sync, and only then tells
 * their callers, while the writer already applies the next batch. Concurrent runs share each fsync
 * instead of paying one each; no caller returns before its write is on disk. A failing write fails
 * alone: the others of its batch are applied again without it. A failed sync stops the store
 * accepting writes.
 */
final class SqliteWriter {
  /** Writes committed together at most; bounds the time one transaction holds the file. */
  private static final int MAX_BATCH = 512;

  private static final QueuedWrite<Void> STOP = QueuedWrite.signal();

  /** Queued by the syncer when it is free: the writer commits what it has applied meanwhile. */
  private static final QueuedWrite<Void> SYNCER_IDLE = QueuedWrite.signal();

  /** Queued by the writer after its last batch; compared by identity. */
  private static final List<QueuedWrite<?>> END = new ArrayList<>(0);

  private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);

  private final Path file;
  private final Connection writer;
  private final LinkedBlockingQueue<QueuedWrite<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;

  /** Committed batches waiting for the sync that makes them durable; see {@link #syncLoop}. */
  private final LinkedBlockingQueue<List<QueuedWrite<?>>> committed = new LinkedBlockingQueue<>();

  private final Thread syncerThread;
  private final Path wal;
  private FileChannel walChannel;

  /** Set when a sync failed: nothing written since can be trusted to be durable. */
  private volatile IllegalStateException broken;

  /** Commits made, and commits known durable; a read waits for the second to reach the first. */
  private volatile long commits;

  private volatile long synced;
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Condition syncedAdvanced = syncLock.newCondition();
  private final WriterStats stats = new WriterStats();
  private volatile boolean closed;

  /** Starts the writer and syncer threads on {@code writer}, the store's writing connection. */
  SqliteWriter(Path file, Connection writer) {
    this.file = file;
    this.writer = writer;
    this.wal = Path.of(file + "-wal");
    this.writerThread = daemon(this::writeLoop, "firebreak-sqlite-writer");
    this.syncerThread = daemon(this::syncLoop, "firebreak-sqlite-syncer");
  }

  private static Thread daemon(Runnable loop, String name) {
    Thread thread = new Thread(loop, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** How the writer thread has spent its time so far: how many writes each commit served. */
  WriterStats stats() {
    return stats;
  }

  /** Runs {@code write} in the next group commit and returns once that commit is durable. */
  <T> T write(JdbcStore.Work<T> write) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store " + file + " is closed");
    }
    if (broken != null) {
      throw broken;
    }
    QueuedWrite<T> op = new QueuedWrite<>(write);
    queue.add(op);
    return op.await();
  }

  /**
   * Applies writes as they arrive into one open transaction and commits it when the syncer is free
   * to sync it: a caller is told only after a sync anyway, so while one runs, later writes join the
   * next commit instead of each making their own. One commit per sync means fewer commits, and
   * fewer copies of the same hot pages in the WAL.
   */
  private void writeLoop() {
    List<QueuedWrite<?>> open = new ArrayList<>();
    List<QueuedWrite<?>> arrived = new ArrayList<>();
    boolean syncerIdle = true;
    boolean stopping = false;
    long applying = 0;
    while (!stopping) {
      if (!QueuedWrite.takeSome(queue, arrived, Integer.MAX_VALUE)) {
        break;
      }
      long start = System.nanoTime();
      for (QueuedWrite<?> op : arrived) {
        if (op == SYNCER_IDLE) {
          syncerIdle = true;
        } else if (op == STOP) {
          stopping = true;
        } else {
          open.add(op);
          if (!op.applyTo(writer, file.toString())) {
            QueuedWrite.reapply(writer, open, file.toString());
          }
        }
      }
      applying += System.nanoTime() - start;
      if (!open.isEmpty() && (syncerIdle || stopping || open.size() >= MAX_BATCH)) {
        commit(open, applying);
        commits++;
        committed.add(open);
        open = new ArrayList<>();
        syncerIdle = false;
        applying = 0;
      }
    }
    // Anything queued after close() was called fails instead of waiting forever.
    List<QueuedWrite<?>> refused = new ArrayList<>();
    for (QueuedWrite<?> op; (op = queue.poll()) != null; ) {
      if (op != SYNCER_IDLE) {
        op.failUnlessFailed(
            new IllegalStateException("the Firebreak store " + file + " is closed"));
        refused.add(op);
      }
    }
    committed.add(refused);
    committed.add(END);
  }

  /**
   * Makes committed batches durable and tells their callers: one sync of the WAL for every batch
   * committed since the last one, so a slow sync gathers more commits instead of holding up the
   * writer (as the database's own group commit does). No caller hears of its write before the write
   * is on disk. Waking the callers here also keeps that cost off the writer thread.
   */
  private void syncLoop() {
    List<List<QueuedWrite<?>>> batches = new ArrayList<>();
    boolean ending = false;
    while (!ending) {
      if (!QueuedWrite.takeSome(committed, batches, Integer.MAX_VALUE)) {
        return;
      }
      ending = batches.removeIf(b -> b == END);
      long upTo = commits;
      long start = System.nanoTime();
      IllegalStateException failure = sync();
      stats.recordSync(System.nanoTime() - start);
      if (failure == null) {
        advanceSynced(upTo);
      }
      if (!ending) {
        queue.add(SYNCER_IDLE); // the writer may commit the next batch while these callers wake
      }
      for (List<QueuedWrite<?>> batch : batches) {
        for (QueuedWrite<?> op : batch) {
          if (failure != null) {
            op.failUnlessFailed(failure);
          }
          op.complete();
        }
      }
    }
  }

  /** Syncs the WAL; null if it is durable now, else why not (and the store is broken from now). */
  private IllegalStateException sync() {
    if (broken != null) {
      return broken;
    }
    try {
      if (walChannel == null) {
        walChannel = FileChannel.open(wal, StandardOpenOption.READ);
      }
      walChannel.force(false);
      return null;
    } catch (NoSuchFileException e) {
      return null; // no commit has changed anything yet: the WAL is made by the first that does
    } catch (IOException e) {
      // After a failed fsync the kernel may have dropped the dirty pages: retrying could report
      // success for data that is gone. Every later write fails instead.
      broken =
          new IllegalStateException(
              "syncing " + wal + " failed; the store accepts no more writes: " + e, e);
      log.error("{}", broken.getMessage());
      return broken;
    }
  }

  private void advanceSynced(long upTo) {
    syncLock.lock();
    try {
      synced = upTo;
      syncedAdvanced.signalAll();
    } finally {
      syncLock.unlock();
    }
  }

  /**
   * Waits until every commit made so far is durable: a read may see a commit whose sync is still
   * running, and must not hand it out (to an attaching caller, say) before a crash could no longer
   * undo it.
   */
  void awaitSynced() {
    long target = commits;
    if (synced >= target) {
      return;
    }
    syncLock.lock();
    try {
      while (synced < target && broken == null && !closed) {
        syncedAdvanced.awaitUninterruptibly();
      }
    } finally {
      syncLock.unlock();
    }
  }

  /** Commits the open transaction; if that fails, every write in it fails. */
  private void commit(List<QueuedWrite<?>> batch, long applyingNanos) {
    long start = System.nanoTime();
    try {
      writer.commit();
    } catch (SQLException e) {
      QueuedWrite.rollbackQuietly(writer);
      IllegalStateException failure =
          new IllegalStateException("commit to " + file + " failed: " + e.getMessage(), e);
      for (QueuedWrite<?> op : batch) {
        op.failUnlessFailed(failure);
      }
      return;
    }
    stats.record(batch.size(), applyingNanos, System.nanoTime() - start);
  }

  /** Waits for the queued writes to be durable, then stops both threads. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      writerThread.join();
      syncerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (walChannel != null) {
        walChannel.close();
      }
    } catch (IOException ignored) {
      // Closing anyway.
    }
  }
}
