package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.BreakerBoard.Entry;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.time.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's circuit breakers in step with the store's {@link BreakerBoard}, the truth the
 * nodes share:
 *
 * <ul>
 *   <li>a breaker this node's calls open is written OPEN, until its {@code openFor} ends;
 *   <li>every {@value #POLL_MILLIS} ms (and at once on the board's hint) the records are read: a
 *       breaker another node opened opens here, one closed by another node's trial closes here;
 *   <li>when {@code openFor} has passed, one node takes the half-open trial by compare-and-set and
 *       holds it for {@code openFor}; the others keep failing fast (or keep their runs parked)
 *       until the trial closes or reopens the breaker. So at most {@code halfOpenTrials} calls are
 *       let through per {@code openFor} across all nodes, and a trial node that dies holds the
 *       trial no longer than that.
 * </ul>
 *
 * Each node counts its own failures while closed. Store calls run on one thread of this class's,
 * never on a caller's: a breaker's call path only reads what was last seen.
 */
final class SharedBreakers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedBreakers.class);

  /** How often the records are read without a hint. */
  static final long POLL_MILLIS = 500;

  private final BreakerBoard board;
  private final Scheduler scheduler;
  private final String node;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread t = new Thread(task, "firebreak-breakers");
            t.setDaemon(true);
            return t;
          });
  private final ConcurrentHashMap<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final AtomicBoolean polling = new AtomicBoolean();
  private volatile boolean closed;

  SharedBreakers(BreakerBoard board, Scheduler scheduler, String node) {
    this.board = board;
    this.scheduler = scheduler;
    this.node = node;
    board.listen(name -> run(() -> refresh(name)));
    schedulePoll();
  }

  /** Makes {@code breaker} follow its shared record from now on. */
  void track(Breaker breaker) {
    Tracked t = new Tracked(breaker);
    if (tracked.putIfAbsent(breaker.name(), t) == null) {
      breaker.share(t);
      run(() -> refresh(breaker.name()));
    }
  }

  /** One breaker as this node last saw its record. */
  private final class Tracked implements Breaker.Shared {
    final Breaker breaker;
    final AtomicBoolean asking = new AtomicBoolean();

    /**
     * This node's own changes not yet written: meanwhile the record may be behind the local state,
     * and is not followed.
     */
    final AtomicInteger publishing = new AtomicInteger();

    volatile Entry seen;

    Tracked(Breaker breaker) {
      this.breaker = breaker;
    }

    @Override
    public void opened(Breaker b, long untilNanos) {
      long untilMillis = nowMillis() + millis(untilNanos - scheduler.nanoTime());
      publish(this, () -> publishOpen(this, untilMillis));
    }

    @Override
    public void closed(Breaker b) {
      publish(this, () -> publishClosed(this));
    }

    @Override
    public void forcedClosed(Breaker b) {
      publish(this, () -> publishForcedClosed(this));
    }

    @Override
    public boolean holdsTrial(Breaker b) {
      Entry e = seen;
      if (e != null && heldHere(e, nowMillis())) {
        return true;
      }
      if (asking.compareAndSet(false, true)) {
        run(() -> askForTrial(this));
      }
      return false;
    }

    @Override
    public long recheckNanos() {
      return TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
    }
  }

  private boolean heldHere(Entry e, long now) {
    return e.state() == CircuitBreakerState.HALF_OPEN
        && node.equals(e.trialNode())
        && e.trialUntil() > now;
  }

  /**
   * Runs {@code write} on the breakers' thread; the record it returns (another node's, which won
   * the swap) is followed once this node has nothing more to write.
   */
  private void publish(Tracked t, Supplier<Entry> write) {
    t.publishing.incrementAndGet();
    boolean handed =
        run(
            () -> {
              Entry other;
              try {
                other = write.get();
              } finally {
                t.publishing.decrementAndGet();
              }
              if (other != null) {
                follow(t, other);
              }
            });
    if (!handed) {
      t.publishing.decrementAndGet();
    }
  }

  // -----------------------------------------------------------------------------------------------
  // On the breakers' thread

  /**
   * Writes the breaker OPEN until {@code untilMillis}; returns the record to follow, if not this.
   */
  private Entry publishOpen(Tracked t, long untilMillis) {
    Entry e = current(t);
    for (int tries = 0; tries < 5; tries++) {
      if (e.state() == CircuitBreakerState.OPEN && e.openUntil() >= untilMillis) {
        return e; // opened elsewhere at least as long
      }
      Entry next = e.next(CircuitBreakerState.OPEN, untilMillis, null, 0);
      Entry stored = board.swap(next);
      if (stored.equals(next)) {
        t.seen = stored;
        return null;
      }
      e = stored; // another node swapped first: open over what it wrote
    }
    return e;
  }

  /**
   * Writes the breaker CLOSED after this node's trial; returns the record to follow, if not this.
   */
  private Entry publishClosed(Tracked t) {
    Entry e = current(t);
    if (!heldHere(e, Long.MIN_VALUE)) {
      return fresh(t.breaker.name()); // closed without holding the trial: the record decides
    }
    Entry next = e.next(CircuitBreakerState.CLOSED, 0, null, 0);
    Entry stored = board.swap(next);
    if (stored.equals(next)) {
      t.seen = stored;
      return null;
    }
    return stored;
  }

  /** Writes the breaker CLOSED over any record; returns the record to follow, if not this. */
  private Entry publishForcedClosed(Tracked t) {
    Entry e = fresh(t.breaker.name());
    for (int tries = 0; tries < 5; tries++) {
      if (e.state() == CircuitBreakerState.CLOSED) {
        t.seen = e;
        return null;
      }
      Entry next = e.next(CircuitBreakerState.CLOSED, 0, null, 0);
      Entry stored = board.swap(next);
      if (stored.equals(next)) {
        t.seen = stored;
        return null;
      }
      e = stored;
    }
    return e;
  }

  private void askForTrial(Tracked t) {
    try {
      Entry e = fresh(t.breaker.name());
      long now = nowMillis();
      if (heldHere(e, now)) {
        t.seen = e; // this node's swap went through, though its answer was lost
        t.breaker.trialGranted();
        return;
      }
      // Free: its open time is over, its trial node's hold is over, or it has no record at all
      // (this node opened it while the store was away).
      boolean free =
          switch (e.state()) {
            case OPEN -> e.openUntil() <= now;
            case HALF_OPEN -> e.trialUntil() <= now;
            default -> e.version() == 0;
          };
      if (!free) {
        follow(t, e);
        return;
      }
      long holdFor = t.breaker.policy().openFor().toMillis();
      Entry next = e.next(CircuitBreakerState.HALF_OPEN, e.openUntil(), node, now + holdFor);
      Entry stored = board.swap(next);
      if (stored.equals(next)) {
        t.seen = stored;
        t.breaker.trialGranted();
      } else {
        follow(t, stored);
      }
    } finally {
      t.asking.set(false);
    }
  }

  private void refresh(String name) {
    Tracked t = tracked.get(name);
    if (t != null) {
      follow(t, fresh(name));
    }
  }

  private void poll() {
    try {
      if (tracked.isEmpty()) {
        return;
      }
      for (Entry e : board.read(List.copyOf(tracked.keySet()))) {
        Tracked t = tracked.get(e.name());
        if (t != null) {
          follow(t, e);
        }
      }
    } finally {
      polling.set(false);
    }
  }

  /**
   * Brings the local breaker in line with the record {@code e}, unless an older record than last
   * seen or this node has a change of its own still to write. Applied even when the record has not
   * changed: each step is idempotent, and the local breaker may have drifted from it (a write of
   * this node's that failed, a clock that moved).
   */
  private void follow(Tracked t, Entry e) {
    Entry last = t.seen;
    if (last != null && e.version() < last.version()) {
      return;
    }
    t.seen = e;
    if (t.publishing.get() > 0) {
      return;
    }
    long now = nowMillis();
    switch (e.state()) {
      case CLOSED -> {
        if (e.version() > 0) {
          t.breaker.closedElsewhere();
        }
      }
      case OPEN -> t.breaker.openedElsewhere(scheduler.nanoTime(), nanos(e.openUntil() - now));
      default -> {
        if (heldHere(e, now)) {
          if (t.breaker.state() == CircuitBreakerState.OPEN) {
            t.breaker.trialGranted();
          }
        } else if (!node.equals(e.trialNode())) {
          t.breaker.openedElsewhere(scheduler.nanoTime(), nanos(e.trialUntil() - now));
        }
      }
    }
  }

  private Entry current(Tracked t) {
    Entry e = t.seen;
    return e != null ? e : fresh(t.breaker.name());
  }

  private Entry fresh(String name) {
    return board.read(List.of(name)).get(0);
  }

  // -----------------------------------------------------------------------------------------------

  private void schedulePoll() {
    scheduler.schedule(
        () -> {
          if (!closed) {
            if (polling.compareAndSet(false, true) && !run(this::poll)) {
              polling.set(false);
            }
            schedulePoll();
          }
        },
        Duration.ofMillis(POLL_MILLIS));
  }

  /**
   * Runs {@code task} on the breakers' thread; a failure (the store away) waits for the poll. False
   * if it was not handed over (closed).
   */
  private boolean run(Runnable task) {
    if (closed) {
      return false;
    }
    try {
      thread.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              log.warn("shared circuit breakers: the store's record was not read or written", e);
            }
          });
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false; // closed meanwhile
    }
  }

  /** Waits (up to 10 s) until the tasks handed to the breakers' thread so far have run. */
  void awaitIdle() {
    try {
      thread.submit(() -> {}).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the shared breakers' thread is stuck", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdown();
  }

  private long nowMillis() {
    return scheduler.now().toEpochMilli();
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(Math.max(0, nanos));
  }

  private static long nanos(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(Math.max(0, millis));
  }
}
