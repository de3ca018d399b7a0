package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Guards a {@link Step} with a named circuit breaker. There is one breaker per {@link #name()} in a
 * {@code FirebreakRuntime}, shared by every step and workflow that names it (one per external
 * service): failures from all of them count.
 *
 * <p>CLOSED: calls pass; {@link #failureThreshold()} consecutive failures open it (or, with {@link
 * #failureRatio()} set, that share of failures among the last {@link #window()} calls). OPEN: calls
 * fail fast with {@code CircuitOpenException} without invoking the agent, for {@link #openFor()}.
 * HALF_OPEN: at most {@link #halfOpenTrials()} calls pass; if they all succeed the breaker closes,
 * one failure reopens it for a fresh {@code openFor}.
 *
 * <p>Every step naming one breaker must give it the same configuration.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface CircuitBreaker {

  /** The breaker's name, e.g. {@code "ocr-api"}. Required, not blank. */
  String name();

  /**
   * Consecutive failures that open the breaker. Default {@code 5}; bounds {@value
   * PolicyLimits#BREAKER_FAILURE_THRESHOLD_MIN}..{@value
   * PolicyLimits#BREAKER_FAILURE_THRESHOLD_MAX}.
   */
  int failureThreshold() default 5;

  /** How long the breaker stays open before it half-opens. Default {@code "30s"}; positive. */
  String openFor() default "30s";

  /**
   * Calls let through while half-open. Default {@code 1}; bounds {@value
   * PolicyLimits#BREAKER_HALF_OPEN_TRIALS_MIN}..{@value PolicyLimits#BREAKER_HALF_OPEN_TRIALS_MAX}.
   */
  int halfOpenTrials() default 1;

  /**
   * Rate-based opening instead of consecutive failures: when above 0, the breaker opens once at
   * least this share of the last {@link #window()} calls failed (and at least {@code window} calls
   * were made since it closed); {@link #failureThreshold()} is then not used. Default {@code 0.0}
   * (off: consecutive failures count); bounds {@value
   * PolicyLimits#BREAKER_FAILURE_RATIO_MIN}..{@value PolicyLimits#BREAKER_FAILURE_RATIO_MAX}.
   */
  double failureRatio() default 0.0;

  /**
   * The calls {@link #failureRatio()} is measured over, most recent first. Used only with a failure
   * ratio. Default {@code 20}; bounds {@value PolicyLimits#BREAKER_WINDOW_MIN}..{@value
   * PolicyLimits#BREAKER_WINDOW_MAX}.
   */
  int window() default 20;

  /** Exceptions that count as failures (subclasses included). Default {@code Exception.class}. */
  Class<? extends Throwable>[] failOn() default {Exception.class};

  /**
   * Exceptions that never count as failures, even if they match {@link #failOn()}: for the breaker
   * they count as successes, as in MicroProfile Fault Tolerance (the service answered). Default
   * none. A class may not be listed in both.
   */
  Class<? extends Throwable>[] skipOn() default {};
}
