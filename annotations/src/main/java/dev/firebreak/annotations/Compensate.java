package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the method that undoes a {@link Step} (saga compensation). When a critical step fails for
 * good, the completed steps of the run that carry {@code @Compensate} are compensated in reverse
 * completion order.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Compensate {

  /**
   * The name of a method on the same agent. Required. Its first parameter is the step's output; it
   * may then take any subset of the step's parameters (matched by type) and a {@code StepContext};
   * it returns {@code void} and must not be private or static.
   */
  String value();
}
