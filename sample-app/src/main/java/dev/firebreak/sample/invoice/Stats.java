package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.FirebreakEvent;
import dev.firebreak.runtime.FirebreakListener;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts, from the runtime's events, what the report shows beside the runs' results. */
@Singleton
public final class Stats implements FirebreakListener {
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger breakerOpenings = new AtomicInteger();
  private final AtomicInteger parked = new AtomicInteger();

  @Inject
  public Stats() {}

  @Override
  public void onEvent(FirebreakEvent event) {
    if (event instanceof FirebreakEvent.RetryScheduled) {
      retries.incrementAndGet();
    } else if (event instanceof FirebreakEvent.BreakerTransition t
        && t.to() == CircuitBreakerState.OPEN) {
      breakerOpenings.incrementAndGet();
    } else if (event instanceof FirebreakEvent.RunParked) {
      parked.incrementAndGet();
    }
  }

  public int retries() {
    return retries.get();
  }

  public int breakerOpenings() {
    return breakerOpenings.get();
  }

  public int parked() {
    return parked.get();
  }
}
