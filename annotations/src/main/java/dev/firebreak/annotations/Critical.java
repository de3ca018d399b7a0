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
 * reverse order — while a non-critical step yields a neutral default ({@code null}, an empty
 * collection or map, {@code Optional.empty()}) and the run goes on, degraded. Unannotated steps are
 * critical without fallback.
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
}
