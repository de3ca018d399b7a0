package dev.firebreak.runtime.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The runtime's only source of time: every backoff, breaker delay, timeout and deadline reads this
 * clock and waits through it. Production uses {@link SystemScheduler}; tests use {@link
 * ManualScheduler} and advance time by hand, so no test sleeps.
 *
 * <p>Scheduled tasks must be short and must not block: the runtime only uses them to hand work back
 * to its executor or to interrupt a step that overran its timeout.
 */
public interface Scheduler {
  /** A monotonic reading in nanoseconds, for measuring intervals only. */
  long nanoTime();

  /** Wall-clock time, for deadlines shown to agents and timestamps in records. */
  Instant now();

  /** Runs {@code task} once, {@code delayNanos} from now (at once if zero or negative). */
  Cancellable schedule(Runnable task, long delayNanos);

  /** Convenience for {@link #schedule(Runnable, long)}. */
  default Cancellable schedule(Runnable task, Duration delay) {
    return schedule(task, delay.toNanos());
  }
}
