package dev.firebreak.runtime;

import java.util.concurrent.CancellationException;

/**
 * The run was cancelled with {@link FirebreakRuntime#cancel}: its running steps were interrupted,
 * its retries stopped and its completed steps compensated. It ends {@link WorkflowStatus#FAILED}
 * (or {@link WorkflowStatus#COMPENSATION_FAILED}) without a dead letter: whoever cancelled it
 * already knows.
 */
public class RunCancelledException extends CancellationException {
  private static final long serialVersionUID = 1L;

  public RunCancelledException(String runId) {
    super("run " + runId + " was cancelled");
  }
}
