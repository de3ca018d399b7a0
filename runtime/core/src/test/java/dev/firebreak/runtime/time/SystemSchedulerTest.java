package dev.firebreak.runtime.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real clock's timing wheel, in real time (it is the thing that turns real time into
 * callbacks): only lower bounds and "exactly once" are asserted, with generous upper waits.
 */
class SystemSchedulerTest {
  // A tiny wheel (8 ticks of 1 ms) so that delays of tens of ms go around it several times.
  private final SystemScheduler scheduler = new SystemScheduler(1_000_000, 8);

  @AfterEach
  void stop() {
    scheduler.close();
  }

  @Test
  void aTaskRunsNoEarlierThanItsDelayEvenAfterSeveralRotations() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    long start = System.nanoTime();
    long[] at = new long[1];
    scheduler.schedule(
        () -> {
          at[0] = System.nanoTime();
          fired.countDown();
        },
        TimeUnit.MILLISECONDS.toNanos(30));
    assertTrue(fired.await(10, TimeUnit.SECONDS));
    assertTrue(
        at[0] - start >= TimeUnit.MILLISECONDS.toNanos(30),
        "fired after " + (at[0] - start) + " ns");
  }

  @Test
  void aCancelledTaskNeverRuns() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    scheduler.schedule(() -> ran.set(true), TimeUnit.MILLISECONDS.toNanos(5)).cancel();
    Cancellable alsoCancelledLater =
        scheduler.schedule(() -> ran.set(true), TimeUnit.MILLISECONDS.toNanos(20));
    CountDownLatch later = new CountDownLatch(1);
    scheduler.schedule(later::countDown, TimeUnit.MILLISECONDS.toNanos(40));
    alsoCancelledLater.cancel();
    assertTrue(later.await(10, TimeUnit.SECONDS));
    assertFalse(ran.get());
  }

  @Test
  void tenThousandTimersFireExactlyOnceEach() throws Exception {
    int n = 10_000;
    AtomicIntegerArray fired = new AtomicIntegerArray(n);
    CountDownLatch all = new CountDownLatch(n);
    Random random = new Random(7);
    for (int i = 0; i < n; i++) {
      int id = i;
      scheduler.schedule(
          () -> {
            fired.incrementAndGet(id);
            all.countDown();
          },
          TimeUnit.MICROSECONDS.toNanos(random.nextInt(50_000)));
    }
    assertTrue(all.await(30, TimeUnit.SECONDS));
    for (int i = 0; i < n; i++) {
      assertEquals(1, fired.get(i), "timer " + i);
    }
  }
}
