package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Says what happens when a {@link Step} has failed for good, after its retries.
 *
 * <p>If {@link #fallback()} names a method, it produces the step's output another way and the run
 * ends {@code COMPLETED_DEGRADED}, naming the step. Otherwise (or if the fallback fails too) a
 * critical step fails the run — completed {@link Compensate compensable} steps are undone in
 * reverse order — while a non-critical step yields its {@link #orElse()} constant, or else a
 * neutral default ({@code null}, an empty collection or map, {@code Optional.empty()}), and the run
 * goes on, degraded. Unannotated steps are critical without fallback.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Critical {

  /** Whether the step's failure fails the run. Default {@code true}. */
  boolean value() default true;

  /**
   * The name of a method on the same agent that produces the step's output when the step has failed
   * for good. Default {@code ""}: none. It returns the step's output type, takes any subset of the
   * step's parameters (in any order, matched by type) plus optionally a {@code Throwable} (the
   * final failure), and must not be private or static. A primitive non-critical step needs one,
   * since it has no neutral default.
   */
  String fallback() default "";

  /**
   * The default a non-critical step yields when it has failed for good, as a constant the processor
   * parses against the step's output type at compile time (the generated code holds the typed
   * value): {@code "0"}, {@code "true"}, {@code "x"} for a {@code char}; a {@code String} as it is;
   * an enum constant by name ({@code "UNKNOWN"}); {@code BigDecimal} and {@code BigInteger} in
   * their decimal form; {@code java.time} values in ISO form ({@code "2026-01-31"}, {@code
   * "2026-01-31T10:15:30Z"}, {@code "P1M"}); a {@code Duration} in Firebreak's duration grammar
   * ({@code "30s"}); a {@code UUID} in its usual form. Default {@code ""}: none, so the empty
   * string is stated in quotes, {@code orElse = "\"\""} (a quoted string loses its quotes: {@code
   * "\"a\""} is {@code a}).
   *
   * <p>Prefer a default that reads as "unknown" ({@code UNKNOWN}, {@code -1}, an empty string) to
   * one that looks like a real answer: code downstream cannot tell a plausible default from data.
   * Only on a non-critical step, and not with {@link #fallback()}.
   */
  String orElse() default "";
}
