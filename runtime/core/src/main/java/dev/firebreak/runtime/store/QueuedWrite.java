package dev.firebreak.runtime.store;

import dev.firebreak.runtime.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One caller's write, queued for a store's writer thread, which applies it together with the others
 * that queued up meanwhile in one transaction (group commit) and tells the caller once that
 * transaction is durable.
 *
 * <p>Writes in a group run without savepoints (two more statements each, a fifth of a small write's
 * cost on SQLite): when one fails, the transaction is rolled back and the others are applied again
 * without it ({@link #reapply}), so it fails alone and leaves nothing behind.
 *
 * <p>For the writer threads of JDBC stores (SQLite here, PostgreSQL in {@code firebreak-postgres}).
 */
public final class QueuedWrite<T> {
  private final JdbcStore.Work<T> work;
  private final CompletableFuture<T> done = new CompletableFuture<>();
  private T result;
  private RuntimeException failure;

  public QueuedWrite(JdbcStore.Work<T> work) {
    this.work = work;
  }

  /** A write that does nothing: a signal to the writer thread, compared by identity. */
  public static QueuedWrite<Void> signal() {
    return new QueuedWrite<>(c -> null);
  }

  /** Waits until the writer thread has told this write's outcome; returns or throws it. */
  public T await() {
    try {
      return done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw e;
    }
  }

  /**
   * Applies this write on {@code c}, inside the open transaction; false if it failed (the failure
   * is kept and told to the caller, a {@link SQLException} as "write to {@code where} failed").
   */
  public boolean applyTo(Connection c, String where) {
    try {
      result = work.apply(c);
      return true;
    } catch (SQLException | RuntimeException e) {
      return failWith(e, where);
    }
  }

  private boolean failWith(Exception e, String where) {
    failure =
        e instanceof RuntimeException runtime && !StoreUnavailableException.isConnectionFailure(e)
            ? runtime
            : failure(where, e);
    return false;
  }

  /** This write as statements a writer may batch with other writes', or null. */
  RowWrite<T> rows() {
    return work instanceof RowWrite<T> rows ? rows : null;
  }

  /**
   * Tells this write, applied by {@link RowBatches}, what its statement {@code index} changed;
   * false if that makes it fail (the failure is kept, as in {@link #applyTo}).
   */
  boolean counted(int index, Connection c, int rows, String where) {
    try {
      result = rows().counted(index, c, rows);
      return true;
    } catch (SQLException | RuntimeException e) {
      return failWith(e, where);
    }
  }

  /**
   * What a write that failed with {@code e} tells its caller: {@link StoreUnavailableException}
   * when the connection failed (the runtime waits and tries again), else "write to {@code where}
   * failed".
   */
  public static RuntimeException failure(String where, Exception e) {
    if (e instanceof StoreUnavailableException unavailable) {
      return unavailable;
    }
    if (StoreUnavailableException.isConnectionFailure(e)) {
      return new StoreUnavailableException(
          "write to " + where + " failed: the store is out of reach: " + e.getMessage(), e);
    }
    return new IllegalStateException("write to " + where + " failed: " + e.getMessage(), e);
  }

  public boolean failed() {
    return failure != null;
  }

  /** Whether this write failed in the database (its failure has an {@link SQLException} cause). */
  boolean failedInDatabase() {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether this write failed only because its transaction was chosen to break a deadlock or a
   * serialization conflict; if so that failure is forgotten, for the whole transaction to be
   * applied again (the write itself may well succeed then).
   */
  public boolean forgetTransientFailure() {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        String state = ((SQLException) t).getSQLState();
        if ("40P01".equals(state) || "40001".equals(state)) {
          failure = null;
          return true;
        }
      }
    }
    return false;
  }

  /** Makes this write fail with {@code why}, unless it has already failed for its own reason. */
  public void failUnlessFailed(RuntimeException why) {
    if (failure == null) {
      failure = why;
    }
  }

  /** Tells the caller: the result, or the failure. */
  public void complete() {
    if (failure != null) {
      done.completeExceptionally(failure);
    } else {
      done.complete(result);
    }
  }

  /**
   * After a write of {@code open} failed: rolls the transaction back and applies the writes of
   * {@code open} that have not failed again, until all of them apply (each pass fails one more
   * write or ends, so this ends).
   */
  public static void reapply(Connection c, List<QueuedWrite<?>> open, String where) {
    boolean applied = false;
    while (!applied) {
      rollbackQuietly(c);
      applied = true;
      for (QueuedWrite<?> write : open) {
        if (!write.failed() && !write.applyTo(c, where)) {
          applied = false;
          break;
        }
      }
    }
  }

  /**
   * Clears {@code into}, waits for one element of {@code queue} and adds it and up to {@code max} -
   * 1 more that are queued already: what a writer handles in one go. False if interrupted.
   */
  public static <E> boolean takeSome(BlockingQueue<E> queue, List<E> into, int max) {
    into.clear();
    try {
      into.add(queue.take());
    } catch (InterruptedException e) {
      return false;
    }
    queue.drainTo(into, max - 1);
    return true;
  }

  public static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // Nothing more to undo: the connection is gone, and its transaction with it.
    }
  }
}
