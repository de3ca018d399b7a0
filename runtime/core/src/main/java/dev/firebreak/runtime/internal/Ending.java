package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.RunTakenOverException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The end of a run, once its last step is done: a success is recorded with its output (and the last
 * step's checkpoint, in one write) and the caller gets its result; a failure goes to {@link
 * Compensation}, then {@link DeadLettering}, unless another node owns the run now, when this node
 * writes nothing more. A run found ended in the store is answered from its record, never run again.
 */
final class Ending {
  private Ending() {}

  /** The last step of {@code run} is done: records the run's end and completes its result. */
  static void end(Run run) {
    Run.Failure f = run.failure();
    long elapsed = run.engine.scheduler.nanoTime() - run.startedAt;
    BoundPlan plan = run.plan;
    int lastStep = run.lastStep;
    if (f == null && run.completedSteps() == plan.steps.length) {
      WorkflowStatus status =
          run.degraded.isEmpty() ? WorkflowStatus.COMPLETED : WorkflowStatus.COMPLETED_DEGRADED;
      try {
        run.engine.journal.completed(
            run.runId,
            status,
            plan.outputCodec,
            run.slots[plan.plan.outputSlot()],
            lastStep >= 0 ? plan.steps[lastStep].name() : null,
            run.lastStepOutput,
            run.lastStepAttempts,
            run.timeline);
      } catch (RuntimeException e) {
        close(run, null, elapsed, e);
        return;
      }
      close(
          run,
          new WorkflowResult<>(
              run.runId,
              plan.workflow(),
              status,
              run.slots[plan.plan.outputSlot()],
              List.copyOf(run.degraded),
              attempts(run),
              null,
              null,
              List.of()),
          elapsed,
          null);
      return;
    }
    Run.Failure failed =
        f != null
            ? f
            : new Run.Failure(-1, new IllegalStateException("run ended with steps not run"));
    if (lastStep >= 0) {
      // Cancelled while its last step completed: that step's checkpoint is written on its own.
      try {
        run.engine.journal.checkpoint(
            run.runId, plan.steps[lastStep].name(), run.lastStepOutput, run.lastStepAttempts);
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(Ending.class)
            .warn(
                "run {}: checkpoint of step '{}' not saved",
                RunIds.forLog(run.runId),
                plan.steps[lastStep].name(),
                e);
      }
    }
    RuntimeException lost = ownershipLost(failed.error());
    if (lost != null) {
      // Another process took the run over: it continues it; this one neither compensates nor
      // dead-letters, and writes nothing more.
      close(run, null, elapsed, lost);
      return;
    }
    if (!run.engine.stillOwns(run)) {
      // Failed here while another node had taken it over: undoing its steps would undo the new
      // owner's work. It ends here as lost.
      close(run, null, elapsed, new RunTakenOverException(run.runId, run.engine.nodeId()));
      return;
    }
    Compensation.start(run, failed, run.compensableInOrder());
  }

  private static RuntimeException ownershipLost(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RunOwnedElsewhereException) {
        return (RuntimeException) t;
      }
    }
    return null;
  }

  /**
   * Completes {@code run}'s result with {@code outcome}, or, if its end could not be recorded
   * ({@code storeFailure}), with that failure.
   */
  static void close(
      Run run, WorkflowResult<Object> outcome, long elapsed, RuntimeException storeFailure) {
    run.leaveFlight();
    String workflow = run.plan.workflow();
    String entryPoint = run.plan.plan.name();
    if (storeFailure != null) {
      run.engine.events.runFinished(
          run.runId, workflow, entryPoint, WorkflowStatus.RUNNING, elapsed);
      run.result.completeExceptionally(
          storeFailure instanceof RunOwnedElsewhereException
              ? storeFailure
              : new IllegalStateException(
                  "run " + run.runId + " ended but its end could not be recorded", storeFailure));
      return;
    }
    run.engine.events.runFinished(run.runId, workflow, entryPoint, outcome.status(), elapsed);
    run.plan.ended(run.runId, outcome); // first: whoever waits for the result finds it told
    run.result.complete(outcome);
  }

  /** Attempts made per step that ran, for the result. */
  static Map<String, Integer> attempts(Run run) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < run.stepRuns.length(); i++) {
      StepRun sr = run.stepRuns.get(i);
      if (sr != null && sr.attempts > 0) {
        out.put(run.plan.steps[i].name(), sr.attempts);
      }
    }
    return out;
  }

  /** The run already finished in an earlier call (or process): its result, never a second run. */
  static void attachFinished(Run run, RunRecord record) {
    run.leaveFlight();
    WorkflowResult<Object> found;
    try {
      Object output = run.engine.journal.outputOf(record, run.plan, run.slots);
      found =
          new WorkflowResult<>(
              run.runId,
              run.plan.workflow(),
              record.status(),
              output,
              List.of(),
              record.attempts(),
              null,
              null,
              List.of());
    } catch (RuntimeException e) {
      run.result.completeExceptionally(e);
      return;
    }
    run.plan.ended(run.runId, found);
    run.result.complete(found);
  }
}
