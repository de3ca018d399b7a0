package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitOpenException;
import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.DeadlineExceededException;
import dev.firebreak.runtime.InvalidInputException;
import dev.firebreak.runtime.PermanentFailure;
import dev.firebreak.runtime.RemoteFailureException;
import dev.firebreak.runtime.RetryAfter;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.time.Duration;
import java.util.Optional;

/**
 * Retry, the policy between degradation and the breaker: after a failed attempt, whether and when
 * the step is attempted again: after the policy's backoff, or the delay the failure's source asked
 * for ({@link RetryAfter}) if that is longer. A retry waits on the scheduler, never in a sleeping
 * thread.
 */
final class Retrying {
  /** What {@link #delayBeforeNext} answers when there is no next attempt. */
  static final long NO_RETRY = -1;

  private Retrying() {}

  /**
   * The rule steps and compensations share: the delay before attempt {@code attemptsMade + 1} after
   * {@code error}, or {@link #NO_RETRY} if {@code policy} allows no more attempts or does not retry
   * that error.
   */
  static long delayBeforeNext(RetryPolicy policy, int attemptsMade, Throwable error) {
    if (attemptsMade >= policy.maxAttempts() || !policy.retries(error)) {
      return NO_RETRY;
    }
    return Math.max(Backoff.delayNanos(policy, attemptsMade), askedDelayNanos(error));
  }

  /**
   * The delay the failure's source asked for ({@link RetryAfter}, on the failure or a cause), in
   * nanoseconds; 0 if none.
   */
  static long askedDelayNanos(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof RetryAfter asked) {
        Optional<Duration> delay = asked.retryAfter();
        if (delay.isPresent() && !delay.get().isNegative()) {
          return saturatedNanos(delay.get());
        }
      }
    }
    return 0;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4; // past any deadline, without overflowing the sums it meets
    }
  }

  /** A {@link PermanentFailure}, here or in the worker a remote step's call ran in. */
  static boolean isPermanent(Throwable error) {
    return error instanceof PermanentFailure
        || (error instanceof RemoteFailureException remote
            && remote.types().contains(PermanentFailure.class.getName()));
  }

  /** Failures no retry can mend, whatever {@code retryOn} says. */
  static boolean neverRetried(Throwable error) {
    return error instanceof InvalidInputException
        || isPermanent(error)
        || error instanceof CircuitOpenException
        || error instanceof DeadlineExceededException
        || error instanceof CorruptCheckpointException;
  }

  /**
   * After a failed attempt of {@code sr} at {@code now}: {@link Run#RETRY} (attempt again at once),
   * {@link Run#NONE} (a retry is scheduled), or what {@link Degradation} makes of a step that
   * failed for good. Besides the policy's rule, a retry must fit in the policy's {@code
   * maxDuration} and before the run's deadline.
   */
  static int afterFailure(Run run, StepRun sr, Throwable error, long now) {
    if (run.hasFailed()) {
      // The run already failed or was cancelled: no retry, no fallback, just stop.
      sr.failure = error;
      return run.finish(sr);
    }
    StepDescriptor step = run.plan.steps[sr.index];
    RetryPolicy policy = step.retry();
    long delay = neverRetried(error) ? NO_RETRY : delayBeforeNext(policy, sr.attempts, error);
    if (delay == NO_RETRY
        || (policy.maxDuration() != null
            && now + delay - sr.firstAttemptAt >= policy.maxDuration().toNanos())) {
      return Degradation.failedForGood(run, sr, error);
    }
    if (now + delay >= run.deadlineAt) {
      DeadlineExceededException late =
          new DeadlineExceededException(
              step.name(), sr.attempts, run.deadline, "would pass before the next retry");
      late.initCause(error);
      return Degradation.failedForGood(run, sr, late);
    }
    run.retrying(sr);
    run.engine.events.retryScheduled(run.runId, run.plan, sr.index, sr.attempts + 1, delay, error);
    if (delay == 0) {
      return Run.RETRY;
    }
    // While it waits, the run lists as retrying, with this failure in its timeline.
    run.saveNotesQuietly();
    sr.scheduleRetry(delay);
    // A critical failure elsewhere may have raced the scheduling: then nobody else will cancel it.
    if (run.hasFailed() && sr.cancelRetry()) {
      return run.finish(sr);
    }
    return Run.NONE;
  }
}
