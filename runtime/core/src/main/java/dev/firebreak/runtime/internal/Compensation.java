package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The saga's undo, after a run failed: its completed {@code @Compensate} steps are compensated one
 * at a time, last completed first, so a step is always undone before the steps it depends on. A
 * failing compensation is retried by the steps' rule ({@link Retrying#delayBeforeNext}) with its
 * step's {@code @Retry}, or {@link RetryPolicy#DEFAULTS} without one (a {@code PermanentFailure} is
 * not retried, and no wait exceeds the policy's {@code maxDelay}); its delays wait on the
 * scheduler. A compensation that fails for good is recorded and the others still run; then the run
 * is {@link DeadLettering dead-lettered}. The compensation of a remote agent's step is a call over
 * the bus ({@link RemoteCalls#compensation}); the run goes on when its reply comes, holding no
 * thread meanwhile.
 */
final class Compensation {
  private static final Logger log = LoggerFactory.getLogger(Compensation.class);

  private final Run run;
  private final Run.Failure failure;

  /** Step indices in completion order; undone from the last. */
  private final Integer[] order;

  private final List<String> failed = new ArrayList<>();

  /** When the undo of the step being compensated began (nanos), for the run's timeline. */
  private long undoStarted;

  private Compensation(Run run, Run.Failure failure, Integer[] order) {
    this.run = run;
    this.failure = failure;
    this.order = order;
  }

  /** Compensates what {@code run} completed, then fails it with {@code failure}. */
  static void start(Run run, Run.Failure failure, Integer[] completionOrder) {
    new Compensation(run, failure, completionOrder).from(completionOrder.length - 1, 1);
  }

  /** What comes after one try of a compensation. */
  private enum Next {
    /** Its next attempt, now. */
    AGAIN,
    /** Nothing here: a delayed retry or a reply over the bus goes on later. */
    LATER,
    /** The compensation of the step completed before it. */
    ON
  }

  /** Goes on with step {@code order[k]}, attempt {@code attempt}, and the ones before it. */
  private void from(int k, int attempt) {
    while (k >= 0) {
      if (stoppedByLoss()) {
        return;
      }
      int i = order[k];
      StepDescriptor step = run.plan.steps[i];
      if (attempt == 1) {
        undoStarted = run.engine.scheduler.nanoTime();
      }
      Object output = run.slots[run.plan.stepSlots[i]];
      Context context = new Context(run, step.name(), attempt);
      RemoteCalls.Undo remote = run.plan.remoteUndo[i];
      Throwable thrown = null;
      try {
        if (remote != null) {
          int at = k;
          int tried = attempt;
          remote
              .undo(output, run.slots, context)
              .whenComplete((ok, t) -> run.execute(() -> after(at, tried, Attempt.unwrap(t))));
          return;
        }
        run.plan.bindings[i].compensationCall().call(output, run.slots, context);
      } catch (Throwable t) {
        thrown = t;
      }
      switch (next(k, attempt, thrown)) {
        case AGAIN -> attempt++;
        case LATER -> {
          return;
        }
        case ON -> {
          k--;
          attempt = 1;
        }
      }
    }
    if (!stoppedByLoss()) {
      DeadLettering.fail(run, failure, failed);
    }
  }

  /**
   * Whether the run was handed back or taken over meanwhile: then another node owns it (and may
   * resume it from its checkpoints), so nothing more is undone or written here, and the caller
   * learns why.
   */
  private boolean stoppedByLoss() {
    RunOwnedElsewhereException lost = run.lostWhileEnding;
    if (lost == null) {
      return false;
    }
    Ending.close(run, null, run.engine.scheduler.nanoTime() - run.startedAt, lost);
    return true;
  }

  /** Goes on after the reply to the compensation of step {@code order[k]} over the bus. */
  private void after(int k, int attempt, Throwable failure) {
    if (stoppedByLoss()) {
      return;
    }
    switch (next(k, attempt, failure)) {
      case AGAIN -> from(k, attempt + 1);
      case LATER -> {}
      case ON -> from(k - 1, 1);
    }
  }

  /**
   * Records attempt {@code attempt} of step {@code order[k]}'s compensation, which ended with
   * {@code failure} (null: it completed), and says what comes next.
   */
  private Next next(int k, int attempt, Throwable failure) {
    int i = order[k];
    StepDescriptor step = run.plan.steps[i];
    if (failure == null) {
      run.timeline.compensation(
          step.name(), attempt, undoStarted, run.engine.scheduler.nanoTime(), null);
      run.engine.events.compensated(run.runId, run.plan, i, attempt);
      if (step.isCheckpointed()) {
        forgetCheckpoint(step);
      }
      return Next.ON;
    }
    RetryPolicy policy = step.retry().maxAttempts() > 1 ? step.retry() : RetryPolicy.DEFAULTS;
    // An undo is retried by the step's rule, never past maxDelay: a Retry-After of a day would
    // hold the failed run that long.
    long delay =
        Retrying.isPermanent(failure)
            ? Retrying.NO_RETRY
            : Math.min(
                Retrying.delayBeforeNext(policy, attempt, failure), policy.maxDelay().toNanos());
    if (delay == 0) {
      return Next.AGAIN;
    }
    if (delay > 0) {
      int next = attempt + 1;
      run.engine.scheduler.schedule(() -> run.execute(() -> from(k, next)), delay);
      return Next.LATER;
    }
    failed.add(step.name());
    run.timeline.compensation(
        step.name(), attempt, undoStarted, run.engine.scheduler.nanoTime(), failure);
    run.engine.events.compensationFailed(run.runId, run.plan, i, attempt, failure);
    return Next.ON;
  }

  /** Undone: a replay of the run must run the step again, not reuse its checkpoint. */
  private void forgetCheckpoint(StepDescriptor step) {
    try {
      run.engine.journal.compensated(run.runId, step.name());
    } catch (RuntimeException e) {
      log.warn(
          "run {}: checkpoint of compensated step {} not reset",
          RunIds.forLog(run.runId),
          step.name(),
          e);
    }
  }

  /** What a compensation sees: its step's idempotency key, its own attempt count. */
  private static final class Context extends RunContext {
    private final String step;
    private final int attempt;

    Context(Run run, String step, int attempt) {
      super(run);
      this.step = step;
      this.attempt = attempt;
    }

    @Override
    public String stepName() {
      return step;
    }

    @Override
    public int attempt() {
      return attempt;
    }
  }
}
