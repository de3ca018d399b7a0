package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunCancelledException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.graph.RetryPolicy;
import java.util.List;

/**
 * The end of a failed run, after its compensations: FAILED, or COMPENSATION_FAILED when an undo
 * failed too, with a dead letter that holds the reason, the step and the agent method that declares
 * it, its attempts, the error chain and the inputs. A cancelled run is not dead-lettered (its
 * canceller knows), unless a compensation failed.
 */
final class DeadLettering {
  private DeadLettering() {}

  static void fail(Run run, Run.Failure failure, List<String> failedCompensations) {
    long elapsed = run.engine.scheduler.nanoTime() - run.startedAt;
    Throwable error = failure.error();
    String step = failure.step() >= 0 ? run.plan.steps[failure.step()].name() : null;
    String declaredBy = failure.step() >= 0 ? run.plan.steps[failure.step()].declaredBy() : "";
    WorkflowStatus status =
        failedCompensations.isEmpty() ? WorkflowStatus.FAILED : WorkflowStatus.COMPENSATION_FAILED;
    try {
      DeadLetter letter = null;
      if (!(error instanceof RunCancelledException) || !failedCompensations.isEmpty()) {
        DeadLetterReason reason =
            failedCompensations.isEmpty()
                ? DeadLetterReason.of(error, retried(run, failure))
                : DeadLetterReason.COMPENSATION_FAILED;
        StepRun failedStep = failure.step() >= 0 ? run.stepRuns.get(failure.step()) : null;
        letter =
            new DeadLetter(
                run.runId,
                run.plan.workflow(),
                run.plan.plan.name(),
                reason,
                step,
                declaredBy,
                failedStep == null ? 0 : failedStep.attempts,
                DeadLetter.chainOf(error),
                run.engine.scheduler.now(),
                run.inputSnapshot);
      }
      run.engine.journal.failed(run.runId, status, letter, run.timeline);
      if (letter != null) {
        run.engine.events.deadLettered(
            letter, failure.step() >= 0 ? run.plan.declaredByNotes[failure.step()] : "");
      }
    } catch (RuntimeException e) {
      e.addSuppressed(error);
      Ending.close(run, null, elapsed, e);
      return;
    }
    Ending.close(
        run,
        new WorkflowResult<>(
            run.runId,
            run.plan.workflow(),
            status,
            null,
            List.copyOf(run.degraded),
            Ending.attempts(run),
            step,
            declaredBy,
            error,
            List.copyOf(failedCompensations)),
        elapsed,
        null);
  }

  /**
   * Whether the failed step's {@code @Retry} retries its failure: then it failed for good because
   * the attempts ran out, otherwise at the first failure of that kind.
   */
  private static boolean retried(Run run, Run.Failure failure) {
    if (failure.step() < 0) {
      return true;
    }
    RetryPolicy policy = run.plan.steps[failure.step()].retry();
    return policy.maxAttempts() > 1
        && !Retrying.neverRetried(failure.error())
        && policy.retries(failure.error());
  }
}
