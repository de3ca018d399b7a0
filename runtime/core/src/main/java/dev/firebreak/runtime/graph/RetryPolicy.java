package dev.firebreak.runtime.graph;

import dev.firebreak.annotations.PolicyLimits;
import dev.firebreak.runtime.RemoteFailureException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A step's retry policy, as declared by {@code @Retry} (or {@link #NONE}: one attempt).
 *
 * @param maxAttempts attempts in total, the first included, {@code 1..100}
 * @param delay gap before the first retry
 * @param multiplier growth of the gap after each retry, {@code >= 1}
 * @param maxDelay cap on any gap
 * @param jitter random spread of each gap as a fraction of it, {@code 0..1}
 * @param retryOn exceptions that are retried (subclasses included)
 * @param abortOn exceptions that stop retrying, even if they match {@code retryOn}
 * @param maxDuration bound on the time spent on all attempts from the first, or {@code null}
 */
public record RetryPolicy(
    int maxAttempts,
    Duration delay,
    double multiplier,
    Duration maxDelay,
    double jitter,
    List<Class<? extends Throwable>> retryOn,
    List<Class<? extends Throwable>> abortOn,
    Duration maxDuration) {

  /** A single attempt, no retry. */
  public static final RetryPolicy NONE =
      new RetryPolicy(
          1, Duration.ZERO, 1.0, Duration.ZERO, 0.0, List.of(Exception.class), List.of(), null);

  /** What {@code @Retry} with no elements means: 3 attempts, 1 s then 2 s apart, up to 60 s. */
  public static final RetryPolicy DEFAULTS =
      new RetryPolicy(
          3,
          Duration.ofSeconds(1),
          2.0,
          Duration.ofSeconds(60),
          0.0,
          List.of(Exception.class),
          List.of(),
          null);

  public RetryPolicy {
    if (maxAttempts < PolicyLimits.RETRY_MAX_ATTEMPTS_MIN
        || maxAttempts > PolicyLimits.RETRY_MAX_ATTEMPTS_MAX) {
      throw new IllegalArgumentException(
          "maxAttempts must be within "
              + PolicyLimits.RETRY_MAX_ATTEMPTS_MIN
              + ".."
              + PolicyLimits.RETRY_MAX_ATTEMPTS_MAX
              + ": "
              + maxAttempts);
    }
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (!(multiplier >= PolicyLimits.RETRY_MULTIPLIER_MIN
        && multiplier <= PolicyLimits.RETRY_MULTIPLIER_MAX)) {
      throw new IllegalArgumentException(
          "multiplier must be within "
              + Bounds.text(PolicyLimits.RETRY_MULTIPLIER_MIN)
              + ".."
              + Bounds.text(PolicyLimits.RETRY_MULTIPLIER_MAX)
              + ": "
              + multiplier);
    }
    if (jitter < PolicyLimits.RETRY_JITTER_MIN || jitter > PolicyLimits.RETRY_JITTER_MAX) {
      throw new IllegalArgumentException(
          "jitter must be within "
              + Bounds.text(PolicyLimits.RETRY_JITTER_MIN)
              + ".."
              + Bounds.text(PolicyLimits.RETRY_JITTER_MAX)
              + ": "
              + jitter);
    }
    retryOn = List.copyOf(retryOn);
    abortOn = List.copyOf(abortOn);
  }

  /**
   * Whether {@code failure} may be retried: it matches {@link #retryOn} and not {@link #abortOn}.
   */
  public boolean retries(Throwable failure) {
    return matches(abortOn, failure) ? false : matches(retryOn, failure);
  }

  static boolean matches(List<Class<? extends Throwable>> types, Throwable failure) {
    for (int i = 0, n = types.size(); i < n; i++) {
      Class<? extends Throwable> type = types.get(i);
      // A remote failure is matched by its remote class names only: as a RuntimeException here, it
      // would match RuntimeException even where the remote exception was checked.
      if (failure instanceof RemoteFailureException remote
          ? remote.isA(type)
          : type.isInstance(failure)) {
        return true;
      }
    }
    return false;
  }

  /** Starts a policy from {@link #DEFAULTS}, what {@code @Retry} with no elements means. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RetryPolicy} by name rather than by position; generated code uses it. */
  public static final class Builder {
    private int maxAttempts = DEFAULTS.maxAttempts;
    private Duration delay = DEFAULTS.delay;
    private double multiplier = DEFAULTS.multiplier;
    private Duration maxDelay = DEFAULTS.maxDelay;
    private double jitter = DEFAULTS.jitter;
    private List<Class<? extends Throwable>> retryOn = DEFAULTS.retryOn;
    private List<Class<? extends Throwable>> abortOn = DEFAULTS.abortOn;
    private Duration maxDuration = DEFAULTS.maxDuration;

    private Builder() {}

    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    public Builder delay(Duration delay) {
      this.delay = delay;
      return this;
    }

    public Builder multiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    public Builder maxDelay(Duration maxDelay) {
      this.maxDelay = maxDelay;
      return this;
    }

    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    @SafeVarargs
    public final Builder retryOn(Class<? extends Throwable>... types) {
      this.retryOn = List.of(types);
      return this;
    }

    @SafeVarargs
    public final Builder abortOn(Class<? extends Throwable>... types) {
      this.abortOn = List.of(types);
      return this;
    }

    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = maxDuration;
      return this;
    }

    public RetryPolicy build() {
      return new RetryPolicy(
          maxAttempts, delay, multiplier, maxDelay, jitter, retryOn, abortOn, maxDuration);
    }
  }
}
