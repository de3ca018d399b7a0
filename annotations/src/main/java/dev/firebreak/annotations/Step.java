package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an agent method as a workflow step.
 *
 * <p>A step <em>produces</em> its return type ({@code T}, or {@code T} when it returns {@code
 * CompletionStage<T>}) and <em>consumes</em> its parameters: dependencies are resolved by type, as
 * in Dagger. A {@code jakarta.inject} qualifier ({@code @Named("…")} or any {@code @Qualifier}) on
 * the method qualifies what it produces, and on a parameter what it consumes. A parameter of type
 * {@code StepContext} is supplied by the runtime and is not a dependency.
 *
 * <p>The method must not be private, static or generic, and must not return {@code void}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Step {

  /**
   * The step's name, unique within a workflow. Default {@code ""}: the method's name. Used in
   * {@link #after()}, events, metrics, dead letters and runtime configuration keys.
   */
  String name() default "";

  /**
   * Names of steps that must complete before this one starts, although it does not consume their
   * outputs (ordering-only edges). Default: none. Each name must be a step of the same workflow.
   */
  String[] after() default {};
}
