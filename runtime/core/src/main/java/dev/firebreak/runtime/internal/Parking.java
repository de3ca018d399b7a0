package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DeadlineExceededException;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.WorkflowStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A critical step without fallback, in a run with checkpoints, that meets an open breaker parks its
 * run instead of failing it: the step waits, holding no thread, until the breaker lets calls
 * through, the run's deadline passes, or the run fails. Waiting is not an attempt. The store shows
 * the run PARKED while any of its steps waits.
 */
final class Parking {
  private static final Logger log = LoggerFactory.getLogger(Parking.class);

  private Parking() {}

  /** Parks {@code sr} on its open breaker; false if the breaker holds too many parked steps. */
  static boolean park(Run run, StepRun sr, Breaker breaker, long now) {
    Parked p = new Parked(run, sr, breaker);
    sr.parked = p;
    if (!breaker.park(p)) {
      sr.parked = null;
      return false;
    }
    run.timeline.parked(run.plan.steps[sr.index].name(), now, breaker.name());
    if (run.parkedSteps.incrementAndGet() == 1) {
      recordQuietly(run, WorkflowStatus.PARKED);
    } else {
      run.saveNotesQuietly(); // one more breaker the run waits for
    }
    run.engine.events.parked(run.runId, run.plan, sr.index, breaker.name());
    if (run.deadline != null) {
      p.deadlineTimer = run.engine.scheduler.schedule(p::expire, run.deadlineAt - now);
    }
    // A failure or cancellation that raced the parking would not have seen this step.
    if (run.hasFailed() && p.take()) {
      breaker.forget(p);
      unpark(p, null);
    }
    return true;
  }

  /** {@code p} leaves its breaker: to attempt again, or (with {@code error}) to fail. */
  static void unpark(Parked p, Throwable error) {
    Run run = p.run;
    StepRun sr = p.step;
    sr.parked = null;
    run.timeline.unparked(p.breaker.name());
    if (run.parkedSteps.decrementAndGet() == 0) {
      if (!run.hasFailed()) {
        recordQuietly(run, WorkflowStatus.RUNNING);
      }
    } else if (!run.hasFailed()) {
      run.saveNotesQuietly(); // the breakers its other parked steps wait for
    }
    run.engine.events.unparked(run.runId, run.plan, sr.index, p.breaker.name());
    run.execute(
        () ->
            run.drive(
                error == null
                    ? Attempt.attempt(run, sr)
                    : Degradation.failedForGood(run, sr, error)));
  }

  /** The error of a step whose run's deadline passed while it was parked. */
  static Throwable deadlinePassed(Run run, StepRun sr) {
    return new DeadlineExceededException(
        run.plan.steps[sr.index].name(),
        sr.attempts,
        run.deadline,
        "passed while the step waited for its circuit breaker");
  }

  private static void recordQuietly(Run run, WorkflowStatus status) {
    try {
      run.engine.journal.statusChanged(run.runId, status, run.timeline);
    } catch (RuntimeException e) {
      // The run goes on; only a resume after a crash would miss this status.
      log.warn("run {}: status {} not recorded", RunIds.forLog(run.runId), status, e);
    }
  }
}
