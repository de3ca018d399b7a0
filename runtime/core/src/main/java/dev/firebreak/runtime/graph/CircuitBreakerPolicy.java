package dev.firebreak.runtime.graph;

import dev.firebreak.annotations.PolicyLimits;
import dev.firebreak.runtime.InvalidInputException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A named circuit breaker's configuration, as declared by {@code @CircuitBreaker}. One breaker
 * exists per name in a runtime, shared by every step that names it.
 *
 * @param name the breaker's name, one per external service
 * @param failureThreshold consecutive failures that open it, {@code >= 1}
 * @param openFor how long it stays open before half-opening
 * @param halfOpenTrials calls let through while half-open, {@code >= 1}
 * @param failOn exceptions that count as failures
 * @param skipOn exceptions that never count, even if they match {@code failOn}
 */
public record CircuitBreakerPolicy(
    String name,
    int failureThreshold,
    Duration openFor,
    int halfOpenTrials,
    double failureRatio,
    int window,
    List<Class<? extends Throwable>> failOn,
    List<Class<? extends Throwable>> skipOn) {

  /** The window a rate-based breaker measures over when none is given. */
  public static final int DEFAULT_WINDOW = 20;

  public CircuitBreakerPolicy {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(openFor, "openFor");
    if (failureThreshold < PolicyLimits.BREAKER_FAILURE_THRESHOLD_MIN
        || failureThreshold > PolicyLimits.BREAKER_FAILURE_THRESHOLD_MAX) {
      throw new IllegalArgumentException(
          "failureThreshold must be within "
              + PolicyLimits.BREAKER_FAILURE_THRESHOLD_MIN
              + ".."
              + PolicyLimits.BREAKER_FAILURE_THRESHOLD_MAX
              + ": "
              + failureThreshold);
    }
    if (halfOpenTrials < PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MIN
        || halfOpenTrials > PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MAX) {
      throw new IllegalArgumentException(
          "halfOpenTrials must be within "
              + PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MIN
              + ".."
              + PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MAX
              + ": "
              + halfOpenTrials);
    }
    if (!(failureRatio >= PolicyLimits.BREAKER_FAILURE_RATIO_MIN
            && failureRatio <= PolicyLimits.BREAKER_FAILURE_RATIO_MAX)
        || window < PolicyLimits.BREAKER_WINDOW_MIN
        || window > PolicyLimits.BREAKER_WINDOW_MAX) {
      throw new IllegalArgumentException(
          "failureRatio must be within "
              + Bounds.text(PolicyLimits.BREAKER_FAILURE_RATIO_MIN)
              + ".."
              + Bounds.text(PolicyLimits.BREAKER_FAILURE_RATIO_MAX)
              + " and window within "
              + PolicyLimits.BREAKER_WINDOW_MIN
              + ".."
              + PolicyLimits.BREAKER_WINDOW_MAX);
    }
    failOn = List.copyOf(failOn);
    skipOn = List.copyOf(skipOn);
  }

  /** A breaker that opens on {@code failureThreshold} consecutive failures. */
  public CircuitBreakerPolicy(
      String name,
      int failureThreshold,
      Duration openFor,
      int halfOpenTrials,
      List<Class<? extends Throwable>> failOn,
      List<Class<? extends Throwable>> skipOn) {
    this(name, failureThreshold, openFor, halfOpenTrials, 0.0, DEFAULT_WINDOW, failOn, skipOn);
  }

  /** Whether the breaker opens on a failure ratio over its window, not on consecutive failures. */
  public boolean rateBased() {
    return failureRatio > 0;
  }

  /**
   * Whether {@code failure} counts against the breaker: it is listed by {@code failOn} and not by
   * {@code skipOn}, and it is not bad input (the service answered; the data was wrong).
   */
  public boolean countsAsFailure(Throwable failure) {
    return !(failure instanceof InvalidInputException)
        && !RetryPolicy.matches(skipOn, failure)
        && RetryPolicy.matches(failOn, failure);
  }

  /**
   * Starts the policy of the breaker called {@code name} from what {@code @CircuitBreaker} means
   * when only its name is given: 5 consecutive failures open it for 30 s, 1 trial call half-open.
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Builds a {@link CircuitBreakerPolicy} by name rather than by position; generated code uses it.
   */
  public static final class Builder {
    private final String name;
    private int failureThreshold = 5;
    private Duration openFor = Duration.ofSeconds(30);
    private int halfOpenTrials = 1;
    private double failureRatio;
    private int window = DEFAULT_WINDOW;
    private List<Class<? extends Throwable>> failOn = List.of(Exception.class);
    private List<Class<? extends Throwable>> skipOn = List.of();

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    public Builder failureThreshold(int failureThreshold) {
      this.failureThreshold = failureThreshold;
      return this;
    }

    public Builder openFor(Duration openFor) {
      this.openFor = openFor;
      return this;
    }

    public Builder halfOpenTrials(int halfOpenTrials) {
      this.halfOpenTrials = halfOpenTrials;
      return this;
    }

    /** Opens on this share of failures over the last {@link #window} calls; 0 turns it off. */
    public Builder failureRatio(double failureRatio) {
      this.failureRatio = failureRatio;
      return this;
    }

    public Builder window(int window) {
      this.window = window;
      return this;
    }

    @SafeVarargs
    public final Builder failOn(Class<? extends Throwable>... types) {
      this.failOn = List.of(types);
      return this;
    }

    @SafeVarargs
    public final Builder skipOn(Class<? extends Throwable>... types) {
      this.skipOn = List.of(types);
      return this;
    }

    public CircuitBreakerPolicy build() {
      return new CircuitBreakerPolicy(
          name, failureThreshold, openFor, halfOpenTrials, failureRatio, window, failOn, skipOn);
    }
  }
}
