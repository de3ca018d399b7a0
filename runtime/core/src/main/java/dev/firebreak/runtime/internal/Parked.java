package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.time.Cancellable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A step waiting for its open circuit breaker. Exactly one of three things takes it out: the
 * breaker waking its parked steps, the run's deadline, or the run's failure or cancellation.
 */
final class Parked {
  final Run run;
  final StepRun step;
  final Breaker breaker;
  private final AtomicBoolean taken = new AtomicBoolean();
  volatile Cancellable deadlineTimer;

  Parked(Run run, StepRun step, Breaker breaker) {
    this.run = run;
    this.step = step;
    this.breaker = breaker;
  }

  /** Claims this parked step; only the first caller gets true. */
  boolean take() {
    if (!taken.compareAndSet(false, true)) {
      return false;
    }
    Cancellable timer = deadlineTimer;
    if (timer != null) {
      timer.cancel();
    }
    return true;
  }

  /** Called by the breaker when calls may pass again. */
  void resume() {
    if (take()) {
      Parking.unpark(this, null);
    }
  }

  /** Called by the deadline timer. */
  void expire() {
    if (take()) {
      breaker.forget(this);
      Parking.unpark(this, Parking.deadlinePassed(run, step));
    }
  }
}
