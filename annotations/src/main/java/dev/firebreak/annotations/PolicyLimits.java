package dev.firebreak.annotations;

/**
 * The bounds of the policy annotations' numeric elements, both ends included. The processor refuses
 * a value outside them at compile time, on the element that holds it; the runtime refuses an
 * override ({@code firebreak.<Workflow>.<step>.<policy>.<element>}) outside them when it binds the
 * workflow. Both read these constants, so the two checks cannot drift apart.
 *
 * <p>Durations have no numeric bounds; their grammar is {@link Durations}. {@link Retry#delay()}
 * may be zero, every other duration must be positive, and {@code delay} must not exceed {@link
 * Retry#maxDelay()}.
 */
public final class PolicyLimits {

  /** The fewest {@link Retry#maxAttempts()}: the first attempt alone, no retry. */
  public static final int RETRY_MAX_ATTEMPTS_MIN = 1;

  /**
   * The most {@link Retry#maxAttempts()}, the first included: unbounded retries hammer a failing
   * service, so a larger count is a compile error.
   */
  public static final int RETRY_MAX_ATTEMPTS_MAX = 100;

  /** The smallest {@link Retry#multiplier()}: the gap between attempts never shrinks. */
  public static final double RETRY_MULTIPLIER_MIN = 1.0;

  /** The largest {@link Retry#multiplier()}. */
  public static final double RETRY_MULTIPLIER_MAX = 100.0;

  /** The smallest {@link Retry#jitter()}: no spread. */
  public static final double RETRY_JITTER_MIN = 0.0;

  /** The largest {@link Retry#jitter()}: a gap may shrink to zero or double. */
  public static final double RETRY_JITTER_MAX = 1.0;

  /** The smallest {@link CircuitBreaker#failureThreshold()}: one failure opens the breaker. */
  public static final int BREAKER_FAILURE_THRESHOLD_MIN = 1;

  /** The largest {@link CircuitBreaker#failureThreshold()}. */
  public static final int BREAKER_FAILURE_THRESHOLD_MAX = 10_000;

  /** The fewest {@link CircuitBreaker#halfOpenTrials()}: one call probes the service. */
  public static final int BREAKER_HALF_OPEN_TRIALS_MIN = 1;

  /** The most {@link CircuitBreaker#halfOpenTrials()}. */
  public static final int BREAKER_HALF_OPEN_TRIALS_MAX = 1000;

  /** The smallest {@link CircuitBreaker#failureRatio()}: {@code 0} turns rate-based opening off. */
  public static final double BREAKER_FAILURE_RATIO_MIN = 0.0;

  /** The largest {@link CircuitBreaker#failureRatio()}: every call in the window failed. */
  public static final double BREAKER_FAILURE_RATIO_MAX = 1.0;

  /** The fewest calls in a {@link CircuitBreaker#window()}. */
  public static final int BREAKER_WINDOW_MIN = 1;

  /**
   * The most calls in a {@link CircuitBreaker#window()}: the runtime keeps a breaker's recent
   * outcomes in one 64-bit word.
   */
  public static final int BREAKER_WINDOW_MAX = 64;

  private PolicyLimits() {}
}
