package dev.firebreak.runtime.chaos;

import dev.firebreak.runtime.time.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The faults of one service. Each setter replaces the previous value of that fault; {@link
 * #clear()} turns them all off. Faults apply in this order on every call: crash, outage, failure,
 * delay, corruption of the arguments.
 */
public final class Faults {
  private final Class<?> service;
  private final Scheduler clock;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger hanging = new AtomicInteger();
  private volatile Duration delay;
  private volatile Supplier<? extends Exception> failure;
  private volatile long outageFrom = Long.MIN_VALUE;
  private volatile long outageUntil = Long.MIN_VALUE;
  private volatile Predicate<Object[]> corruptWhen;
  private volatile UnaryOperator<Object[]> corruption;
  private volatile int crashAfter = -1;

  Faults(Class<?> service, Scheduler clock) {
    this.service = service;
    this.clock = clock;
  }

  /** Every call waits {@code delay} on the clock before going on; an interrupt ends the wait. */
  public Faults delay(Duration delay) {
    this.delay = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /** Every call throws what {@code failure} supplies. */
  public Faults fail(Supplier<? extends Exception> failure) {
    this.failure = Objects.requireNonNull(failure, "failure");
    return this;
  }

  /** Calls fail with {@link ServiceDownException} from now for {@code lasting} on the clock. */
  public Faults outage(Duration lasting) {
    long now = clock.nanoTime();
    this.outageFrom = now;
    this.outageUntil = now + lasting.toNanos();
    return this;
  }

  /** Calls whose arguments match {@code when} get them replaced by {@code corruption}'s result. */
  public Faults corrupt(Predicate<Object[]> when, UnaryOperator<Object[]> corruption) {
    this.corruptWhen = Objects.requireNonNull(when, "when");
    this.corruption = Objects.requireNonNull(corruption, "corruption");
    return this;
  }

  /**
   * The process dies (as {@code kill -9} would: {@code Runtime.halt}, no shutdown hooks) on call
   * number {@code n + 1}. For worker processes of crash drills, never for the test JVM itself.
   */
  public Faults crashAfter(int n) {
    this.crashAfter = n;
    return this;
  }

  /** Turns this service's faults off. */
  public void clear() {
    delay = null;
    failure = null;
    outageFrom = Long.MIN_VALUE;
    outageUntil = Long.MIN_VALUE;
    corruptWhen = null;
    corruption = null;
    crashAfter = -1;
  }

  /** Calls made to the service so far, faulty or not. */
  public int calls() {
    return calls.get();
  }

  /** Calls waiting in an injected delay now. */
  public int hanging() {
    return hanging.get();
  }

  Object[] before(String method, Object[] args) throws Exception {
    int n = calls.incrementAndGet();
    if (crashAfter >= 0 && n > crashAfter) {
      Runtime.getRuntime().halt(137);
    }
    long now = clock.nanoTime();
    if (now >= outageFrom && now < outageUntil) {
      throw new ServiceDownException(
          service.getSimpleName() + "." + method + " is down (injected outage)");
    }
    Supplier<? extends Exception> f = failure;
    if (f != null) {
      throw f.get();
    }
    Duration d = delay;
    if (d != null) {
      CountDownLatch passed = new CountDownLatch(1);
      clock.schedule(passed::countDown, d);
      hanging.incrementAndGet();
      try {
        passed.await();
      } finally {
        hanging.decrementAndGet();
      }
    }
    Predicate<Object[]> when = corruptWhen;
    UnaryOperator<Object[]> how = corruption;
    if (when != null && how != null && when.test(args)) {
      return how.apply(args.clone());
    }
    return args;
  }
}
