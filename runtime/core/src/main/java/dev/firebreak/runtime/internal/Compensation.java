package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.RunIds;
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
 * step's {@code @Retry}, or {@link RetryPolicy#DEFAULTS} without one; its delays wait on the
 * scheduler. A compensation that fails for good is recorded and the others still run; then the run
 * is {@link DeadLettering dead-lettered}.
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

  /** Goes on with step {@code order[k]}, attempt {@code attempt}, and the ones before it. */
  private void from(int k, int attempt) {
    while (k >= 0) {
      int i = order[k];
      StepDescriptor step = run.plan.steps[i];
      if (attempt == 1) {
        undoStarted = run.engine.scheduler.nanoTime();
      }
      try {
        run.plan
            .bindings[i]
            .compensationCall()
            .call(
                run.slots[run.plan.stepSlots[i]],
                run.slots,
                new Context(run, step.name(), attempt));
        run.timeline.compensation(
            step.name(), attempt, undoStarted, run.engine.scheduler.nanoTime(), null);
        run.engine.events.compensated(run.runId, run.plan, i, attempt);
        if (step.isCheckpointed()) {
          forgetCheckpoint(step);
        }
      } catch (Throwable t) {
        RetryPolicy policy = step.retry().maxAttempts() > 1 ? step.retry() : RetryPolicy.DEFAULTS;
        long delay = Retrying.delayBeforeNext(policy, attempt, t);
        if (delay == 0) {
          attempt++;
          continue;
        }
        if (delay > 0) {
          int at = k;
          int next = attempt + 1;
          run.engine.scheduler.schedule(() -> run.execute(() -> from(at, next)), delay);
          return;
        }
        failed.add(step.name());
        run.timeline.compensation(
            step.name(), attempt, undoStarted, run.engine.scheduler.nanoTime(), t);
        run.engine.events.compensationFailed(run.runId, run.plan, i, attempt, t);
      }
      k--;
      attempt = 1;
    }
    DeadLettering.fail(run, failure, failed);
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
