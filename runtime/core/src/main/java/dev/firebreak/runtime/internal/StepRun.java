package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.time.Cancellable;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One step's execution within a run, across its attempts; it is also the {@link StepContext} the
 * agent sees, so an attempt allocates no context of its own.
 */
final class StepRun extends RunContext {
  static final int IDLE = 0;
  static final int RETRY_WAITING = 1;
  static final int RETRY_FIRED = 2;
  static final int RETRY_CANCELLED = 3;

  private static final AtomicIntegerFieldUpdater<StepRun> RETRY =
      AtomicIntegerFieldUpdater.newUpdater(StepRun.class, "retryState");

  final int index;
  volatile int attempts;
  boolean started;

  /** Whether this step counts among the run's retrying steps ({@link RunTimeline#retrying}). */
  boolean retryCounted;

  long firstAttemptAt;
  volatile Throwable failure;

  /**
   * The attempt running now: a {@link TimeoutGuard} (sync) or an {@link AsyncAttempt}; else null.
   */
  volatile InFlight inFlight;

  /** Set while the step waits for its open circuit breaker. */
  volatile Parked parked;

  /** How the running attempt's output is degraded ({@link #degraded}), and why; else null. */
  volatile String degradedHow;

  volatile Throwable degradedCause;

  private volatile int retryState;
  private volatile Cancellable retryTimer;

  StepRun(Run run, int index) {
    super(run);
    this.index = index;
  }

  @Override
  public String stepName() {
    return run.plan.steps[index].name();
  }

  @Override
  public int attempt() {
    return attempts;
  }

  @Override
  public void degraded(String how, Throwable cause) {
    degradedCause = java.util.Objects.requireNonNull(cause, "cause");
    degradedHow = java.util.Objects.requireNonNull(how, "how");
  }

  /** Waits {@code delayNanos}, then hands the next attempt to the executor (unless cancelled). */
  void scheduleRetry(long delayNanos) {
    retryState = RETRY_WAITING;
    retryTimer =
        run.engine.scheduler.schedule(
            () -> {
              if (RETRY.compareAndSet(this, RETRY_WAITING, RETRY_FIRED)) {
                run.retryNow(this);
              }
            },
            delayNanos);
  }

  /**
   * Calls off a waiting retry; returns whether it was waiting (and is now the caller's to finish).
   */
  boolean cancelRetry() {
    if (RETRY.compareAndSet(this, RETRY_WAITING, RETRY_CANCELLED)) {
      Cancellable t = retryTimer;
      if (t != null) {
        t.cancel();
      }
      return true;
    }
    return false;
  }

  @Override
  public String toString() {
    return "StepRun[" + run.runId + ":" + stepName() + " attempt " + attempts + "]";
  }
}
