package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a workflow: an interface whose abstract methods are entry points, run over the steps of
 * the listed agents.
 *
 * <p>Each abstract method is an entry point. Its parameters are the graph's inputs (except one
 * {@link RunId} parameter); its return type is the output the graph must produce, written as {@code
 * T}, {@code WorkflowResult<T>}, {@code CompletionStage<T>} or {@code
 * CompletionStage<WorkflowResult<T>>}. An entry point runs exactly the steps its output needs.
 *
 * <p>The processor generates {@code Firebreak<InterfaceName>} in the same package.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Workflow {

  /**
   * The agent classes whose {@link Step} methods make up the graph. Required, at least one; each
   * must be accessible from the workflow's package. The generated orchestrator receives one
   * instance of each through its constructor.
   */
  Class<?>[] agents();

  /**
   * The timeout of every step that has no {@link Timeout} of its own. Default {@code "60s"}; must
   * be a positive duration.
   */
  String defaultTimeout() default "60s";

  /**
   * The deadline of a whole run, measured from its start: no retry starts whose delay would cross
   * it, and step timeouts are capped by the time left. Default {@code ""}: no deadline. When set,
   * must be a positive duration.
   */
  String deadline() default "";
}
