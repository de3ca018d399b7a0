package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries a {@link Step} that fails, with exponential backoff.
 *
 * <p>The gap before attempt {@code n + 1} is {@code min(delay × multiplier^(n−1), maxDelay)}, then
 * spread by {@code ± jitter} of itself. A step without {@code @Retry} is attempted once. Retries
 * stop early when the run's deadline, {@link #maxDuration()}, an {@link #abortOn()} exception or an
 * open circuit says so.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Retry {

  /**
   * Attempts in total, the first included. Default {@code 3}; bounds {@value
   * PolicyLimits#RETRY_MAX_ATTEMPTS_MIN}..{@value PolicyLimits#RETRY_MAX_ATTEMPTS_MAX}: unbounded
   * retries are a compile error.
   */
  int maxAttempts() default 3;

  /**
   * The gap before the first retry. Default {@code "1s"}; a duration ≥ 0 and ≤ {@link #maxDelay()}.
   */
  String delay() default "1s";

  /**
   * Growth of the gap after each retry. Default {@code 2.0}; bounds {@value
   * PolicyLimits#RETRY_MULTIPLIER_MIN}..{@value PolicyLimits#RETRY_MULTIPLIER_MAX}.
   */
  double multiplier() default 2.0;

  /** The largest gap between attempts. Default {@code "60s"}; a positive duration. */
  String maxDelay() default "60s";

  /**
   * Random spread of each gap, as a fraction of it: the gap lies in {@code [gap × (1 − jitter), gap
   * × (1 + jitter)]}. Default {@code 0.0} (none); bounds {@value
   * PolicyLimits#RETRY_JITTER_MIN}..{@value PolicyLimits#RETRY_JITTER_MAX}.
   */
  double jitter() default 0.0;

  /**
   * Exceptions that are retried (subclasses included). Default {@code Exception.class}. Never
   * includes {@code InvalidInputException}, which is bad input and is not retried.
   */
  Class<? extends Throwable>[] retryOn() default {Exception.class};

  /**
   * Exceptions that stop retrying at once, even if they match {@link #retryOn()}. Default none. A
   * class may not be listed in both.
   */
  Class<? extends Throwable>[] abortOn() default {};

  /**
   * Upper bound on the time spent on all attempts of one step, measured from the first. Default
   * {@code ""}: none beyond the run's deadline. When set, a positive duration.
   */
  String maxDuration() default "";
}
