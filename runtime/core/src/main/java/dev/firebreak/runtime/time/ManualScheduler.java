package dev.firebreak.runtime.time;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A virtual clock for tests: time stands still until {@link #advance(Duration)} moves it, and tasks
 * that fall due run on the advancing thread, in due order. Backoff gaps, breaker delays, timeouts
 * and deadlines can thus be checked exactly, without sleeping.
 *
 * <p>Thread-safe: steps on worker threads may schedule while a test thread advances.
 */
public final class ManualScheduler implements Scheduler {
  private final ReentrantLock lock = new ReentrantLock();
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private final Instant origin;
  private long now;
  private long sequence;

  /** A clock that starts at 2026-01-01T00:00:00Z. */
  public ManualScheduler() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  public ManualScheduler(Instant origin) {
    this.origin = origin;
  }

  @Override
  public long nanoTime() {
    lock.lock();
    try {
      return now;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Instant now() {
    return origin.plusNanos(nanoTime());
  }

  /** Time elapsed since the clock was made. */
  public Duration elapsed() {
    return Duration.ofNanos(nanoTime());
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    lock.lock();
    try {
      Task t = new Task(now + Math.max(0, delayNanos), sequence++, task);
      queue.add(t);
      return () -> cancel(t);
    } finally {
      lock.unlock();
    }
  }

  private void cancel(Task task) {
    lock.lock();
    try {
      queue.remove(task);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves the clock forward by {@code step}, running every task that falls due on the way at its
   * own due time (a task scheduled by another task runs too if it falls due within the step).
   */
  public void advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time only moves forward: " + step);
    }
    long target;
    lock.lock();
    try {
      target = now + step.toNanos();
    } finally {
      lock.unlock();
    }
    while (true) {
      Task due;
      lock.lock();
      try {
        due = queue.peek();
        if (due == null || due.at > target) {
          now = target;
          return;
        }
        queue.poll();
        now = Math.max(now, due.at);
      } finally {
        lock.unlock();
      }
      due.task.run();
    }
  }

  /** Runs the tasks due now without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** How many tasks wait to fall due. */
  public int pending() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** The time until the earliest pending task falls due, or empty if none is pending. */
  public Optional<Duration> nextDue() {
    lock.lock();
    try {
      Task t = queue.peek();
      return t == null ? Optional.empty() : Optional.of(Duration.ofNanos(t.at - now));
    } finally {
      lock.unlock();
    }
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long seq;
    final Runnable task;

    Task(long at, long seq, Runnable task) {
      this.at = at;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
