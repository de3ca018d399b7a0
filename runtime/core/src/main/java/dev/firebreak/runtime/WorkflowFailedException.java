package dev.firebreak.runtime;

import dev.firebreak.runtime.graph.DeclaringMethod;
import java.util.List;

/**
 * Thrown by an entry point that returns a plain {@code T} when its run did not complete: it carries
 * the run id, status, failed step, cause and compensation outcome. The cause of this exception is
 * the failed step's final failure. Its message names the failed step and, when known, the agent
 * method that declares it: {@code step 'extract' (Invoice.OcrAgent#extract) failed after 3
 * attempts}.
 */
public class WorkflowFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient WorkflowResult<?> result;

  public WorkflowFailedException(WorkflowResult<?> result) {
    super(describe(result), result.failure());
    this.result = result;
  }

  private static String describe(WorkflowResult<?> r) {
    StringBuilder s =
        new StringBuilder("run ").append(r.runId()).append(" of ").append(r.workflow());
    s.append(" ended ").append(r.status());
    if (r.failedStep() != null) {
      s.append(": step '")
          .append(r.failedStep())
          .append('\'')
          .append(DeclaringMethod.inParentheses(r.failedStepDeclaredBy()))
          .append(" failed");
      Integer attempts = r.attempts().get(r.failedStep());
      if (attempts != null) {
        s.append(" after ").append(attempts).append(attempts == 1 ? " attempt" : " attempts");
      }
      if (r.failure() != null) {
        s.append(" (").append(r.failure()).append(')');
      }
    }
    if (!r.failedCompensations().isEmpty()) {
      s.append("; compensation failed for ").append(r.failedCompensations());
    }
    return s.toString();
  }

  /** The whole result of the run. */
  public WorkflowResult<?> result() {
    return result;
  }

  public String runId() {
    return result.runId();
  }

  public WorkflowStatus status() {
    return result.status();
  }

  /** The critical step that failed, or {@code null}. */
  public String failedStep() {
    return result.failedStep();
  }

  /**
   * The agent method that declares {@link #failedStep()}, e.g. {@code com.acme.OcrAgent#extract};
   * empty when unknown or when no step failed.
   */
  public String failedStepDeclaredBy() {
    return result.failedStepDeclaredBy();
  }

  /** Steps whose compensation failed; empty if every compensation succeeded or none was needed. */
  public List<String> failedCompensations() {
    return result.failedCompensations();
  }
}
