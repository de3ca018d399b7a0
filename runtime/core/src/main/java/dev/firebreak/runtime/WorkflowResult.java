package dev.firebreak.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of a run: what an entry point declared as {@code WorkflowResult<T>} returns, and what
 * {@link WorkflowFailedException} carries.
 *
 * @param runId the run's id
 * @param workflow the workflow interface's qualified name
 * @param status how the run ended
 * @param output the output if {@link WorkflowStatus#isSuccess() the run succeeded}, else {@code
 *     null}
 * @param degradedSteps steps whose output came from a fallback or a neutral default
 * @param attempts attempts made per executed step, in completion order
 * @param failedStep the critical step that failed the run, or {@code null}
 * @param failedStepDeclaredBy the agent method that declares {@code failedStep} (see {@link
 *     dev.firebreak.runtime.graph.StepDescriptor#declaredBy()}), e.g. {@code
 *     com.acme.OcrAgent#extract}; empty when unknown or when no step failed
 * @param failure why that step failed, or {@code null}
 * @param failedCompensations steps whose compensation failed (run status {@code
 *     COMPENSATION_FAILED}); empty otherwise
 * @param <T> the output type
 */
public record WorkflowResult<T>(
    String runId,
    String workflow,
    WorkflowStatus status,
    T output,
    List<DegradedStep> degradedSteps,
    Map<String, Integer> attempts,
    String failedStep,
    String failedStepDeclaredBy,
    Throwable failure,
    List<String> failedCompensations) {

  public WorkflowResult {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(status, "status");
    failedStepDeclaredBy = failedStepDeclaredBy == null ? "" : failedStepDeclaredBy;
    degradedSteps = List.copyOf(degradedSteps);
    attempts = Collections.unmodifiableMap(new LinkedHashMap<>(attempts));
    failedCompensations = List.copyOf(failedCompensations);
  }

  /** A result that does not name the agent method of its failed step. */
  public WorkflowResult(
      String runId,
      String workflow,
      WorkflowStatus status,
      T output,
      List<DegradedStep> degradedSteps,
      Map<String, Integer> attempts,
      String failedStep,
      Throwable failure,
      List<String> failedCompensations) {
    this(
        runId,
        workflow,
        status,
        output,
        degradedSteps,
        attempts,
        failedStep,
        "",
        failure,
        failedCompensations);
  }

  /** Whether the run produced its output (possibly degraded). */
  public boolean isSuccess() {
    return status.isSuccess();
  }

  /** Whether some step's output came from a fallback or a neutral default. */
  public boolean isDegraded() {
    return !degradedSteps.isEmpty();
  }

  /**
   * The output of a successful run.
   *
   * @throws WorkflowFailedException if the run did not succeed
   */
  public T orElseThrow() {
    if (!status.isSuccess()) {
      throw new WorkflowFailedException(this);
    }
    return output;
  }
}
