package dev.firebreak.runtime.generated;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.StepContext;
import java.util.List;

/**
 * A worker's view of one remotable agent: its steps, the codecs of what crosses the bus, and a call
 * of each step method by name, with no reflection. Generated for each agent declared remotable; a
 * {@code dev.firebreak.runtime.remote.FirebreakWorker} serves it.
 */
public interface AgentDispatch {
  /** The agent's qualified class name, which names its calls topic. */
  String agent();

  /** The names of its steps. */
  List<String> steps();

  /**
   * The codecs of {@code step}'s inputs, in the order of its parameters ({@code StepContext} left
   * out).
   */
  List<CheckpointCodec<?>> inputCodecs(String step);

  /** The codec of {@code step}'s output. */
  CheckpointCodec<?> outputCodec(String step);

  /**
   * Calls the agent method of {@code step}; returns its output, or for an async step the {@code
   * CompletionStage} of it.
   */
  Object call(String step, Object[] inputs, StepContext context) throws Exception;

  /**
   * Calls the fallback of {@code step}, with the step's inputs (as {@link #call} takes them), from
   * which it picks its own arguments, and the failure it stands in for; returns the step's output,
   * or a {@code CompletionStage} of it.
   *
   * @throws IllegalArgumentException if {@code step} has no fallback
   */
  default Object fallback(String step, Object[] inputs, Throwable failure) throws Exception {
    throw new IllegalArgumentException(
        "step " + step + " of agent " + agent() + " has no fallback");
  }

  /**
   * Calls the compensation of {@code step}: with the output it undoes (decoded with {@link
   * #outputCodec}) and the step's inputs (as {@link #call} takes them), from which it picks its own
   * arguments.
   *
   * @throws IllegalArgumentException if {@code step} has no compensation
   */
  default void compensate(String step, Object output, Object[] inputs, StepContext context)
      throws Exception {
    throw new IllegalArgumentException(
        "step " + step + " of agent " + agent() + " has no compensation");
  }
}
