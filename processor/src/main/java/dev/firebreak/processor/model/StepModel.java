package dev.firebreak.processor.model;

import java.time.Duration;
import java.util.List;
import javax.lang.model.type.TypeMirror;

/**
 * A validated step: an agent method with what it produces and consumes and its policies.
 *
 * @param name the step's name, unique within its workflow
 * @param agentIndex index of the agent in {@code @Workflow(agents)}
 * @param method the method's simple name
 * @param declaredBy {@code com.acme.OcrAgent#extract}, for descriptors and messages
 * @param produces the binding the step produces
 * @param producedType the produced type (unwrapped from {@code CompletionStage})
 * @param primitive whether the method returns a primitive
 * @param async whether the method returns a {@code CompletionStage}
 * @param parameters the method's parameters, in order
 * @param after names of steps this one waits for
 * @param retry the retry policy, or null for a single attempt
 * @param timeout the step's own timeout, or null for the workflow's default
 * @param breaker the circuit breaker, or null
 * @param critical whether a final failure without fallback fails the run
 * @param fallback the fallback call, or null
 * @param compensation the compensation call, or null
 * @param codec how the output is encoded if checkpointed, else null
 * @param neutralDefault what a failed non-critical step yields without {@code orElse}
 * @param orElse the constant a failed non-critical step yields, from {@code @Critical(orElse)}, or
 *     null
 * @param nullOutput what a null output of the method or its fallback means
 * @param remote how its call crosses the bus if its agent is {@code @Remotable}, else null
 */
public record StepModel(
    String name,
    int agentIndex,
    String method,
    String declaredBy,
    BindingKey produces,
    TypeMirror producedType,
    boolean primitive,
    boolean async,
    List<Parameter> parameters,
    List<String> after,
    Policies.Retry retry,
    Duration timeout,
    Policies.Breaker breaker,
    boolean critical,
    Call fallback,
    Call compensation,
    CodecPlan codec,
    NeutralValue neutralDefault,
    ConstantDefault orElse,
    NullOutput nullOutput,
    Remote remote) {

  /**
   * The codecs of a remotable step's call: one per non-context parameter, in order, and its output.
   */
  public record Remote(List<CodecPlan> inputs, CodecPlan output) {}

  /**
   * What a null output means: a failed attempt, unless the output is declared nullable or Optional.
   */
  public enum NullOutput {
    REFUSED,
    /** The method, or its return type, carries an annotation named {@code Nullable}. */
    ALLOWED,
    /** The output is an {@code Optional}: null reads as {@code Optional.empty()}. */
    EMPTY_OPTIONAL
  }

  /** A step parameter: a binding it consumes, or the runtime's StepContext. */
  public record Parameter(String name, TypeMirror type, BindingKey key, boolean context) {}

  /**
   * A call to a fallback or compensation method on the same agent.
   *
   * @param method the method's name
   * @param arguments what to pass, in order
   * @param returnsStage for fallbacks: whether it returns a CompletionStage
   */
  public record Call(String method, List<Argument> arguments, boolean returnsStage) {}

  /**
   * One argument of a {@link Call}: the step's output, one of its parameters (by index), the
   * failure, or the StepContext.
   */
  public record Argument(Kind kind, int parameterIndex) {
    public enum Kind {
      OUTPUT,
      PARAMETER,
      FAILURE,
      CONTEXT
    }
  }

  /** The bindings this step consumes (its non-context parameters). */
  public List<BindingKey> dependencies() {
    return parameters.stream().filter(p -> !p.context()).map(Parameter::key).toList();
  }
}
