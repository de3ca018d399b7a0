package dev.firebreak.runtime.generated;

import dev.firebreak.runtime.WorkflowFailedException;
import dev.firebreak.runtime.WorkflowResult;
import java.util.concurrent.CompletionStage;

/**
 * An entry point's plan bound to agent instances on a runtime; what a generated entry-point method
 * calls. {@code runId} is the caller's id for the run ({@code @RunId}), or {@code null} for a fresh
 * one; {@code inputs} are the graph inputs in the plan's order.
 */
public interface BoundEntryPoint {

  /**
   * Runs to the end and returns the output.
   *
   * @throws WorkflowFailedException if the run did not complete (also when the caller's thread is
   *     interrupted while waiting; its interrupt flag is then set again)
   */
  <T> T run(String runId, Object... inputs);

  /** Runs to the end and returns the whole result; never throws for a failed run. */
  <T> WorkflowResult<T> runForResult(String runId, Object... inputs);

  /** Starts the run; the stage completes with the output or a {@link WorkflowFailedException}. */
  <T> CompletionStage<T> runAsync(String runId, Object... inputs);

  /** Starts the run; the stage completes with the whole result. */
  <T> CompletionStage<WorkflowResult<T>> runAsyncForResult(String runId, Object... inputs);
}
