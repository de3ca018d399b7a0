package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.chaos.Chaos;
import dev.firebreak.runtime.time.Scheduler;
import dev.firebreak.runtime.time.SystemScheduler;

/**
 * How the app's runtime is set up beyond its store: the clock, the faults injected into the
 * simulated services (none unless a chaos scenario turns them on), and the admission limit.
 */
public record AppOptions(Scheduler scheduler, Chaos chaos, int maxInFlightRuns) {
  private static final Scheduler SYSTEM = new SystemScheduler();

  /** Real time, no injected faults, the runtime's default admission limit. */
  public static AppOptions defaults() {
    return new AppOptions(
        SYSTEM, Chaos.create(SYSTEM), FirebreakRuntime.DEFAULT_MAX_IN_FLIGHT_RUNS);
  }

  public AppOptions withMaxInFlightRuns(int max) {
    return new AppOptions(scheduler, chaos, max);
  }
}
