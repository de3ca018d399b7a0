package dev.firebreak.runtime.generated;

import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.WorkflowFailedException;
import dev.firebreak.runtime.WorkflowResult;
import java.util.concurrent.CompletionStage;

/**
 * An entry point's plan bound to agent instances on a runtime; what a generated entry-point method
 * calls. {@code runId} is the caller's id for the run ({@code @RunId}, checked against the {@link
 * RunIds} rules: a bad one is an {@code IllegalArgumentException}, thrown or, for the async
 * methods, the returned stage's failure), or {@code null} for a fresh one: generated code passes
 * null only for an entry point without {@code @RunId}, and refuses a null {@code @RunId} before
 * calling; {@code inputs} are the graph inputs in the plan's order.
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

  /**
   * Starts the run and returns at once: a run over the admission limit gets a stage already failed
   * with {@code OverloadedException}, and even recording the run in a durable store happens on the
   * executor. The stage completes with the output or a {@link WorkflowFailedException}, or with the
   * store's refusal to open the run (a run id used by another entry point, a graph mismatch,
   * another owner's lease).
   */
  <T> CompletionStage<T> runAsync(String runId, Object... inputs);

  /** As {@link #runAsync}; the stage completes with the whole result. */
  <T> CompletionStage<WorkflowResult<T>> runAsyncForResult(String runId, Object... inputs);
}
