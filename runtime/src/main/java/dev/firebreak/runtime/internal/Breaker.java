package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One named circuit breaker, shared by every step and workflow that names it. Lock-free: the state
 * is an immutable snapshot swapped by compare-and-set, and the happy path (closed, no failures)
 * neither writes nor allocates.
 *
 * <p>{@link #tryAcquire} returns a permit: the generation of the state that let the call through.
 * A result reported with a permit from an older generation (a call let through before the breaker
 * opened, finishing after it half-opened) is ignored, so stale calls never close or reopen it.
 */
public final class Breaker {
  /** Returned by {@link #tryAcquire} when the call must fail fast. */
  public static final long REJECTED = -1;

  private record State(
      CircuitBreakerState kind, int failures, long openedAt, int issued, int succeeded, long generation) {}

  private final CircuitBreakerPolicy policy;
  private final long openForNanos;
  private final Events events;
  private final dev.firebreak.runtime.time.Scheduler scheduler;
  private final int maxParked;
  private final java.util.concurrent.ConcurrentLinkedQueue<Parked> parked = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger parkedCount = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean wakeScheduled = new java.util.concurrent.atomic.AtomicBoolean();
  private final AtomicReference<State> state =
      new AtomicReference<>(new State(CircuitBreakerState.CLOSED, 0, 0, 0, 0, 0));

  Breaker(CircuitBreakerPolicy policy, Events events, dev.firebreak.runtime.time.Scheduler scheduler, int maxParked) {
    this.policy = policy;
    this.openForNanos = policy.openFor().toNanos();
    this.events = events;
    this.scheduler = scheduler;
    this.maxParked = maxParked;
  }

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
      scheduleWake(s.openedAt() + openForNanos - scheduler.nanoTime());
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
   * Whether a call at {@code now} (scheduler nanos) may pass: its permit, or {@link #REJECTED}.
   * An open breaker whose {@code openFor} has passed half-opens here, on the first call after it.
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
          State half = new State(CircuitBreakerState.HALF_OPEN, 0, 0, 1, 0, s.generation() + 1);
          if (state.compareAndSet(s, half)) {
            events.breakerTransition(policy.name(), CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN);
            return half.generation();
          }
          break;
        default:
          if (s.issued() >= policy.halfOpenTrials()) {
            return REJECTED;
          }
          if (state.compareAndSet(
              s, new State(s.kind(), 0, 0, s.issued() + 1, s.succeeded(), s.generation()))) {
            return s.generation();
          }
      }
    }
  }

  /** Reports how the call let through with {@code permit} ended ({@code failure} null on success). */
  public void onResult(long permit, Throwable failure, long now) {
    if (failure != null && policy.countsAsFailure(failure)) {
      onFailure(permit, now);
    } else {
      onSuccess(permit);
    }
  }

  private void onSuccess(long permit) {
    while (true) {
      State s = state.get();
      if (s.generation() != permit || s.kind() == CircuitBreakerState.OPEN) {
        return;
      }
      if (s.kind() == CircuitBreakerState.CLOSED) {
        if (s.failures() == 0 || state.compareAndSet(s, new State(s.kind(), 0, 0, 0, 0, s.generation()))) {
          return;
        }
        continue;
      }
      int succeeded = s.succeeded() + 1;
      if (succeeded >= policy.halfOpenTrials()) {
        if (state.compareAndSet(s, new State(CircuitBreakerState.CLOSED, 0, 0, 0, 0, s.generation() + 1))) {
          events.breakerTransition(policy.name(), CircuitBreakerState.HALF_OPEN, CircuitBreakerState.CLOSED);
          wakeAll();
          return;
        }
      } else if (state.compareAndSet(
          s, new State(s.kind(), 0, 0, s.issued(), succeeded, s.generation()))) {
        return;
      }
    }
  }

  private void onFailure(long permit, long now) {
    while (true) {
      State s = state.get();
      if (s.generation() != permit || s.kind() == CircuitBreakerState.OPEN) {
        return;
      }
      int failures = s.failures() + 1;
      boolean opens = s.kind() == CircuitBreakerState.HALF_OPEN || failures >= policy.failureThreshold();
      State next =
          opens
              ? new State(CircuitBreakerState.OPEN, 0, now, 0, 0, s.generation() + 1)
              : new State(s.kind(), failures, 0, 0, 0, s.generation());
      if (state.compareAndSet(s, next)) {
        if (opens) {
          events.breakerTransition(policy.name(), s.kind(), CircuitBreakerState.OPEN);
          if (!parked.isEmpty()) {
            scheduleWake(openForNanos);
          }
        }
        return;
      }
    }
  }
}
