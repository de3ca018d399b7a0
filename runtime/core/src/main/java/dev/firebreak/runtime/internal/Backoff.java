package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.graph.RetryPolicy;
import java.util.concurrent.ThreadLocalRandom;

/** The delay before a retry: exponential, capped, with optional symmetric jitter. */
public final class Backoff {
  private Backoff() {}

  /**
   * The delay in nanoseconds before attempt {@code failedAttempt + 1}: {@code delay ×
   * multiplier^(failedAttempt − 1)}, capped at {@code maxDelay}, then moved by up to ± {@code
   * jitter} of itself (never below zero, never above {@code maxDelay}).
   */
  public static long delayNanos(RetryPolicy policy, int failedAttempt) {
    double base = policy.delay().toNanos() * Math.pow(policy.multiplier(), failedAttempt - 1);
    double cap = policy.maxDelay().toNanos();
    if (cap > 0 && base > cap) {
      base = cap;
    }
    if (policy.jitter() > 0 && base > 0) {
      double spread = base * policy.jitter();
      base += ThreadLocalRandom.current().nextDouble(-spread, spread);
      if (cap > 0 && base > cap) {
        base = cap;
      }
    }
    return base <= 0 ? 0 : (long) base;
  }
}
