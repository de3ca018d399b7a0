package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.time.Scheduler;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One named circuit breaker, shared by every step and workflow that names it. Lock-free: the state
 * is an immutable snapshot swapped by compare-and-set, and the happy path of a consecutive-failure
 * breaker (closed, no failures) neither writes nor allocates.
 *
 * <p>{@link #tryAcquire} returns a permit: the generation of the state that let the call through. A
 * result reported with a permit from an older generation (a call let through before the breaker
 * opened, finishing after it half-opened) is ignored, so stale calls never close or reopen it.
 *
 * <p>Closed, a consecutive-failure breaker counts failures in a row; a rate-based one keeps the
 * outcomes of its last {@code window} calls as bits of a long (1 = failure) and opens when their
 * share reaches {@code failureRatio} over a full window.
 *
 * <p>Shared across nodes ({@link SharedBreakers}), each node still counts its own failures, but a
 * breaker that opens on one node is opened on the others ({@link #openedElsewhere}), closes where a
 * trial closed it ({@link #closedElsewhere}), and half-opens only on the node holding the trial.
 */
public final class Breaker {
  /** How far a shared record's open time may differ from this breaker's and still agree. */
  private static final long FOLLOW_TOLERANCE = 2_000_000;

  /** Returned by {@link #tryAcquire} when the call must fail fast. */
  public static final long REJECTED = -1;

  /**
   * @param failures consecutive failures (closed, consecutive mode)
   * @param outcomes the last calls' outcomes, newest in bit 0 (closed, rate mode)
   * @param recorded how many outcomes {@code outcomes} holds, up to the window
   * @param openedAt scheduler time the breaker opened (open)
   * @param issued trials let through (half-open)
   * @param succeeded trials that succeeded (half-open)
   */
  private record State(
      CircuitBreakerState kind,
      int failures,
      long outcomes,
      int recorded,
      long openedAt,
      int issued,
      int succeeded,
      long generation) {
    static State closed(long generation) {
      return new State(CircuitBreakerState.CLOSED, 0, 0, 0, 0, 0, 0, generation);
    }
  }

  private final CircuitBreakerPolicy policy;
  private final long openForNanos;
  private final long windowMask;
  private final int ratioFailures;
  private final Events events;
  private final Scheduler scheduler;
  private final int maxParked;
  private final ConcurrentLinkedQueue<Parked> parked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger parkedCount = new AtomicInteger();
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private final AtomicReference<State> state = new AtomicReference<>(State.closed(0));

  /** How this breaker follows the other nodes' breakers of its name; null if it is this node's. */
  interface Shared {
    /** After this node's calls opened the breaker, until {@code untilNanos} (scheduler time). */
    void opened(Breaker breaker, long untilNanos);

    /** After this node's trials closed the breaker. */
    void closed(Breaker breaker);

    /** After an operator closed the breaker on this node: closed everywhere, trial or not. */
    void forcedClosed(Breaker breaker);

    /**
     * Whether this node holds the half-open trial now; if not, it asks for it, and the breaker's
     * parked steps are woken when it gets it ({@link #trialGranted}).
     */
    boolean holdsTrial(Breaker breaker);

    /** How long a step parked on an open breaker waits before it looks again for the trial. */
    long recheckNanos();
  }

  private volatile Shared shared;

  Breaker(CircuitBreakerPolicy policy, Events events, Scheduler scheduler, int maxParked) {
    this.policy = policy;
    this.openForNanos = policy.openFor().toNanos();
    this.windowMask = policy.window() == 64 ? -1L : (1L << policy.window()) - 1;
    // "At least this share of the window failed", in whole calls, never fewer than one.
    this.ratioFailures =
        Math.max(1, (int) Math.ceil(policy.failureRatio() * policy.window() - 1e-9));
    this.events = events;
    this.scheduler = scheduler;
    this.maxParked = maxParked;
  }

  /** A breaker outside any runtime, without events or parking: for benchmarks and tests. */
  public static Breaker standalone(CircuitBreakerPolicy policy, Scheduler scheduler) {
    return new Breaker(policy, new Events(List.of()), scheduler, 0);
  }

  /** Makes this breaker follow {@code shared}; before any call passes it. */
  void share(Shared shared) {
    this.shared = shared;
  }

  public CircuitBreakerPolicy policy() {
    return policy;
  }

  public String name() {
    return policy.name();
  }

  public CircuitBreakerState state() {
    return state.get().kind();
  }

  /**
   * Whether a call at {@code now} (scheduler nanos) may pass: its permit, or {@link #REJECTED}. An
   * open breaker whose {@code openFor} has passed half-opens here, on the first call after it.
   */
  public long tryAcquire(long now) {
    while (true) {
      State s = state.get();
      switch (s.kind()) {
        case CLOSED:
          return s.generation();
        case OPEN:
          if (now - s.openedAt() < openForNanos) {
            return REJECTED;
          }
          Shared across = shared;
          if (across != null && !across.holdsTrial(this)) {
            return REJECTED; // another node's trial, or this node's asked for
          }
          State half =
              new State(CircuitBreakerState.HALF_OPEN, 0, 0, 0, 0, 1, 0, s.generation() + 1);
          if (state.compareAndSet(s, half)) {
            events.breakerTransition(
                policy.name(), CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN);
            return half.generation();
          }
          break;
        default:
          if (s.issued() >= policy.halfOpenTrials()) {
            return REJECTED;
          }
          if (state.compareAndSet(
              s, new State(s.kind(), 0, 0, 0, 0, s.issued() + 1, s.succeeded(), s.generation()))) {
            return s.generation();
          }
      }
    }
  }

  /**
   * Reports how the call let through with {@code permit} ended ({@code failure} null on success).
   */
  public void onResult(long permit, Throwable failure, long now) {
    boolean failed = failure != null && policy.countsAsFailure(failure);
    while (true) {
      State s = state.get();
      if (s.generation() != permit || s.kind() == CircuitBreakerState.OPEN) {
        return;
      }
      State next =
          s.kind() == CircuitBreakerState.CLOSED
              ? closedAfter(s, failed, now)
              : halfOpenAfter(s, failed, now);
      if (next == s || state.compareAndSet(s, next)) {
        if (next.kind() != s.kind()) {
          transitioned(s.kind(), next.kind());
          tellOtherNodes(next);
        }
        return;
      }
    }
  }

  private State closedAfter(State s, boolean failed, long now) {
    if (policy.rateBased()) {
      long outcomes = ((s.outcomes() << 1) | (failed ? 1 : 0)) & windowMask;
      int recorded = Math.min(policy.window(), s.recorded() + 1);
      if (recorded == policy.window() && Long.bitCount(outcomes) >= ratioFailures) {
        return opened(s, now);
      }
      return new State(s.kind(), 0, outcomes, recorded, 0, 0, 0, s.generation());
    }
    if (!failed) {
      return s.failures() == 0 ? s : State.closed(s.generation());
    }
    int failures = s.failures() + 1;
    return failures >= policy.failureThreshold()
        ? opened(s, now)
        : new State(s.kind(), failures, 0, 0, 0, 0, 0, s.generation());
  }

  private State halfOpenAfter(State s, boolean failed, long now) {
    if (failed) {
      return opened(s, now);
    }
    int succeeded = s.succeeded() + 1;
    return succeeded >= policy.halfOpenTrials()
        ? State.closed(s.generation() + 1)
        : new State(s.kind(), 0, 0, 0, 0, s.issued(), succeeded, s.generation());
  }

  private static State opened(State s, long now) {
    return new State(CircuitBreakerState.OPEN, 0, 0, 0, now, 0, 0, s.generation() + 1);
  }

  private void transitioned(CircuitBreakerState from, CircuitBreakerState to) {
    events.breakerTransition(policy.name(), from, to);
    if (to == CircuitBreakerState.CLOSED) {
      wakeAll();
    } else if (to == CircuitBreakerState.OPEN && !parked.isEmpty()) {
      scheduleWake(openForNanos);
    }
  }

  private void tellOtherNodes(State now) {
    Shared across = shared;
    if (across == null) {
      return;
    }
    if (now.kind() == CircuitBreakerState.OPEN) {
      across.opened(this, now.openedAt() + openForNanos);
    } else if (now.kind() == CircuitBreakerState.CLOSED) {
      across.closed(this);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // An operator's hand

  /**
   * Opens this breaker at {@code now} (scheduler nanos), as its failures would: calls fail fast for
   * {@code openFor}, then half-open trials decide. An open breaker's {@code openFor} starts again.
   * Shared, it opens on every node.
   */
  public void forceOpen(long now) {
    while (true) {
      State s = state.get();
      State open = opened(s, now);
      if (state.compareAndSet(s, open)) {
        if (s.kind() != CircuitBreakerState.OPEN) {
          transitioned(s.kind(), CircuitBreakerState.OPEN);
        } else if (!parked.isEmpty()) {
          scheduleWake(openForNanos);
        }
        tellOtherNodes(open);
        return;
      }
    }
  }

  /**
   * Closes this breaker with its counts cleared, whatever its state, and resumes the steps parked
   * on it. Shared, it closes on every node, whichever holds the trial.
   */
  public void forceClosed() {
    while (true) {
      State s = state.get();
      if (state.compareAndSet(s, State.closed(s.generation() + 1))) {
        if (s.kind() != CircuitBreakerState.CLOSED) {
          transitioned(s.kind(), CircuitBreakerState.CLOSED);
        }
        Shared across = shared;
        if (across != null) {
          across.forcedClosed(this);
        }
        return;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Following the other nodes

  /**
   * Opens this breaker because another node's record says so: calls fail fast for {@code
   * remainingNanos} from {@code now}, then a trial may be asked for. An open breaker that stays
   * open longer already is left as it is.
   */
  void openedElsewhere(long now, long remainingNanos) {
    long openedAt = now + Math.max(0, remainingNanos) - openForNanos;
    while (true) {
      State s = state.get();
      if (s.kind() == CircuitBreakerState.OPEN && s.openedAt() >= openedAt - FOLLOW_TOLERANCE) {
        return; // open at least as long already (the record's times are in whole milliseconds)
      }
      State open = new State(CircuitBreakerState.OPEN, 0, 0, 0, openedAt, 0, 0, s.generation() + 1);
      if (state.compareAndSet(s, open)) {
        if (s.kind() != CircuitBreakerState.OPEN) {
          events.breakerTransition(policy.name(), s.kind(), CircuitBreakerState.OPEN);
        }
        if (!parked.isEmpty() && remainingNanos > 0) {
          scheduleWake(remainingNanos);
        }
        return;
      }
    }
  }

  /** Closes this breaker because another node's trials closed it; wakes what is parked on it. */
  void closedElsewhere() {
    while (true) {
      State s = state.get();
      if (s.kind() == CircuitBreakerState.CLOSED) {
        return;
      }
      if (state.compareAndSet(s, State.closed(s.generation() + 1))) {
        transitioned(s.kind(), CircuitBreakerState.CLOSED);
        return;
      }
    }
  }

  /** This node now holds the half-open trial: a parked step may make it. */
  void trialGranted() {
    wakeAll();
  }

  // ---------------------------------------------------------------------------------------------
  // Parked runs

  /** Steps parked on this breaker now. */
  public int parkedCount() {
    return parkedCount.get();
  }

  /**
   * Parks a step until calls may pass again; false if this breaker already holds its maximum of
   * parked steps (the caller then fails the step as for an open circuit).
   */
  boolean park(Parked step) {
    if (parkedCount.incrementAndGet() > maxParked) {
      parkedCount.decrementAndGet();
      return false;
    }
    parked.add(step);
    // Read the state after adding: a transition that happens from here on sees the entry.
    State s = state.get();
    if (s.kind() == CircuitBreakerState.CLOSED) {
      wakeAll();
    } else if (s.kind() == CircuitBreakerState.OPEN) {
      long delay = s.openedAt() + openForNanos - scheduler.nanoTime();
      Shared across = shared;
      if (across == null || delay > 0) {
        scheduleWake(delay);
      } else if (across.holdsTrial(this)) {
        wakeAll(); // the trial was granted while this step was on its way here
      } else {
        // The grant, another node's close or its next opening wakes it; failing those (another
        // node holds the trial and has no traffic), it looks again after a while.
        scheduleWake(across.recheckNanos());
      }
    }
    // HALF_OPEN: the trials' outcome wakes the parked steps (closed) or schedules it (open).
    return true;
  }

  /** Drops a parked step that left for another reason (deadline, cancellation). */
  void forget(Parked step) {
    if (parked.remove(step)) {
      parkedCount.decrementAndGet();
    }
  }

  private void scheduleWake(long delayNanos) {
    if (wakeScheduled.compareAndSet(false, true)) {
      scheduler.schedule(
          () -> {
            wakeScheduled.set(false);
            wakeAll();
          },
          delayNanos);
    }
  }

  private void wakeAll() {
    for (Parked p; (p = parked.poll()) != null; ) {
      parkedCount.decrementAndGet();
      p.resume();
    }
  }
}
