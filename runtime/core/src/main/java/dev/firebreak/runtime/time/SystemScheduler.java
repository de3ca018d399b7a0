package dev.firebreak.runtime.time;

import java.time.Instant;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * Real time: {@link System#nanoTime()}, the system clock, and one daemon timer thread driving a
 * hashed timing wheel (1 ms ticks).
 *
 * <p>Why a wheel: every step attempt arms a timeout that is nearly always cancelled microseconds
 * later. A {@code ScheduledThreadPoolExecutor} pays a heap insertion under a lock, a removal on
 * cancel, and — whenever the new timeout becomes the earliest — a wake-up of its thread, which
 * would dominate the cost of a step. Here arming is one lock-free enqueue and cancelling one
 * compare-and-set; the timer thread, which sleeps until its next tick and is never woken by them,
 * moves new timeouts into their buckets, drops cancelled ones and runs the due ones. A timeout
 * fires at most one tick late.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
  private static final long DEFAULT_TICK_NANOS = 1_000_000;
  private static final int DEFAULT_WHEEL_SIZE = 4096; // ticks per rotation: about 4 s

  private static final int WAITING = 0;
  private static final int CANCELLED = 1;
  private static final int FIRED = 2;

  /**
   * One armed task; lives in the pending queue, then in one bucket's list, until fired or dropped.
   */
  private static final class Timeout extends AtomicInteger implements Cancellable {
    private static final long serialVersionUID = 1L;
    final transient Runnable task;
    final long deadline;
    long rounds;
    transient Timeout prev;
    transient Timeout next;
    transient Bucket bucket;

    Timeout(Runnable task, long deadline) {
      this.task = task;
      this.deadline = deadline;
    }

    @Override
    public void cancel() {
      // The timer thread unlinks cancelled entries lazily, when it next visits their bucket: the
      // canceller pays one CAS and never takes a lock.
      compareAndSet(WAITING, CANCELLED);
    }
  }

  /** A bucket's doubly-linked list; touched by the timer thread only. */
  private static final class Bucket {
    Timeout head;
    Timeout tail;

    void add(Timeout t) {
      t.bucket = this;
      if (tail == null) {
        head = tail = t;
      } else {
        tail.next = t;
        t.prev = tail;
        tail = t;
      }
    }

    void remove(Timeout t) {
      if (t.prev != null) {
        t.prev.next = t.next;
      } else {
        head = t.next;
      }
      if (t.next != null) {
        t.next.prev = t.prev;
      } else {
        tail = t.prev;
      }
      t.prev = t.next = null;
      t.bucket = null;
    }
  }

  private final long tickNanos;
  private final int wheelSize;
  private final int mask;
  private final Bucket[] wheel;
  private final ConcurrentLinkedQueue<Timeout> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final long origin = System.nanoTime();
  private final Thread worker;
  private long tick;

  public SystemScheduler() {
    this(DEFAULT_TICK_NANOS, DEFAULT_WHEEL_SIZE);
  }

  /**
   * A wheel of {@code wheelSize} (a power of two) ticks of {@code tickNanos}; tests use small ones.
   */
  SystemScheduler(long tickNanos, int wheelSize) {
    if (Integer.bitCount(wheelSize) != 1 || tickNanos <= 0) {
      throw new IllegalArgumentException("wheel size must be a power of two and the tick positive");
    }
    this.tickNanos = tickNanos;
    this.wheelSize = wheelSize;
    this.mask = wheelSize - 1;
    this.wheel = new Bucket[wheelSize];
    for (int i = 0; i < wheelSize; i++) {
      wheel[i] = new Bucket();
    }
    worker = new Thread(this::loop, "firebreak-timer");
    worker.setDaemon(true);
    worker.start();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Instant now() {
    return Instant.now();
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    Timeout t = new Timeout(task, System.nanoTime() + Math.max(0, delayNanos));
    pending.add(t);
    return t;
  }

  private void loop() {
    while (running.get()) {
      long next = origin + (tick + 1) * tickNanos;
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        LockSupport.parkNanos(this, sleep);
        continue;
      }
      tick++;
      transferPending();
      expire(wheel[(int) (tick & mask)], System.nanoTime());
    }
  }

  private void transferPending() {
    for (Timeout t; (t = pending.poll()) != null; ) {
      if (t.get() != WAITING) {
        continue;
      }
      long due = Math.max(tick, (t.deadline - origin + tickNanos - 1) / tickNanos);
      t.rounds = (due - tick) / wheelSize;
      wheel[(int) (due & mask)].add(t);
    }
  }

  private void expire(Bucket bucket, long now) {
    Timeout t = bucket.head;
    while (t != null) {
      Timeout next = t.next;
      if (t.get() == CANCELLED) {
        bucket.remove(t);
      } else if (t.rounds > 0) {
        t.rounds--;
      } else if (t.deadline <= now + tickNanos && t.compareAndSet(WAITING, FIRED)) {
        bucket.remove(t);
        try {
          t.task.run();
        } catch (RuntimeException e) {
          LoggerFactory.getLogger(SystemScheduler.class).error("timer task failed", e);
        }
      }
      t = next;
    }
  }

  /** Stops the timer thread; tasks not yet run are dropped. */
  @Override
  public void close() {
    running.set(false);
    LockSupport.unpark(worker);
  }
}
