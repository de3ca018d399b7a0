package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitOpenException;
import dev.firebreak.runtime.time.Scheduler;
import java.util.concurrent.Callable;

/**
 * A call through a circuit breaker outside any step (a backup model's, say): the same permit and
 * outcome a step's attempt takes and reports, so that both count on one breaker.
 */
final class BreakerCalls {
  private BreakerCalls() {}

  static <T> T call(Breaker breaker, Scheduler scheduler, Callable<T> call) throws Exception {
    long permit = breaker.tryAcquire(scheduler.nanoTime());
    if (permit == Breaker.REJECTED) {
      throw new CircuitOpenException(breaker.name());
    }
    T value;
    try {
      value = call.call();
    } catch (Exception | Error e) {
      breaker.onResult(permit, e, scheduler.nanoTime());
      throw e;
    }
    breaker.onResult(permit, null, scheduler.nanoTime());
    return value;
  }
}
