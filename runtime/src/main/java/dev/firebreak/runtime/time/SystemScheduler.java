package dev.firebreak.runtime.time;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Real time: {@link System#nanoTime()}, the system clock, and one daemon timer thread. Timeouts
 * therefore cost a timer entry, not a thread per call.
 */
public final class SystemScheduler implements Scheduler, AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;

  public SystemScheduler() {
    timer =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread t = new Thread(task, "firebreak-timer");
              t.setDaemon(true);
              return t;
            });
    // Most timeouts are cancelled because the step finished: drop them from the queue at once
    // instead of letting cancelled entries pile up until their due time.
    timer.setRemoveOnCancelPolicy(true);
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
    ScheduledFuture<?> future = timer.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** Stops the timer thread; tasks not yet run are dropped. */
  @Override
  public void close() {
    timer.shutdownNow();
  }
}
