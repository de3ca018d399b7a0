package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitOpenException;
import dev.firebreak.runtime.DeadlineExceededException;
import dev.firebreak.runtime.NullOutputException;
import dev.firebreak.runtime.StepTimeoutException;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.Cancellable;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of a step, the inner part of the policy chain: the run's deadline, then the circuit
 * breaker, then the timeout, then the agent method. A sync step is called on this thread under a
 * {@link TimeoutGuard}; an async step's stage is awaited by an {@link AsyncAttempt}. Both end in
 * {@link #ended}, the one tail that reports the outcome to the breaker and hands a failure to
 * {@link Retrying}.
 *
 * <p>Like every step method of a run, these return the index of the step this thread runs next,
 * {@link Run#NONE}, or (from {@link #ended} only) {@link Run#RETRY}.
 */
final class Attempt {
  private Attempt() {}

  /** Makes attempts of {@code sr} until one succeeds, waits, or the step has failed for good. */
  static int attempt(Run run, StepRun sr) {
    int i = sr.index;
    BoundPlan plan = run.plan;
    StepDescriptor step = plan.steps[i];
    while (true) {
      if (run.hasFailed()) {
        return run.finish(sr);
      }
      long now = run.engine.scheduler.nanoTime();
      if (!run.engine.mayStart(run, sr, now)) {
        // This node's lease is not trusted now: the next heartbeat confirms the run first.
        return Run.NONE;
      }
      if (!sr.started) {
        sr.started = true;
        sr.firstAttemptAt = now;
      }
      int n = ++sr.attempts;
      sr.degradedHow = null; // an attempt starts undegraded
      if (n > 1) {
        run.retrying(sr); // a step resumed after a crash mid-retries is retrying too
      }
      if (!plan.recordsAttempts[i] && n > 1 && run.timeline.changed()) {
        // A store that keeps no attempts still lists the run as retrying, with its failures.
        run.saveNotesQuietly();
      } else if (plan.recordsAttempts[i]) {
        // Durable before the call: a run resumed after a crash counts this attempt as made.
        try {
          run.engine.journal.attemptStarting(run.runId, step.name(), n, run.timeline);
        } catch (RuntimeException e) {
          return run.failRun(
              sr,
              new IllegalStateException(
                  "attempt "
                      + n
                      + " of step '"
                      + step.name()
                      + "'"
                      + plan.declaredByNotes[i]
                      + " not recorded",
                  e));
        }
      }
      long remaining = run.deadlineAt - now;
      if (remaining <= 0) {
        Throwable late =
            new DeadlineExceededException(
                step.name(), n, run.deadline, "passed before the attempt");
        run.timeline.attempt(step.name(), n, now, now, late);
        return Degradation.failedForGood(run, sr, late);
      }
      Breaker breaker = plan.breakers[i];
      long permit = 0;
      if (breaker != null && (permit = breaker.tryAcquire(now)) == Breaker.REJECTED) {
        if (plan.parksOnOpenCircuit[i] && Parking.park(run, sr, breaker, now)) {
          // The call was never made: waiting for the breaker is not an attempt.
          sr.attempts--;
          return Run.NONE;
        }
        Throwable open = new CircuitOpenException(breaker.name());
        run.timeline.circuitOpen(step.name(), n, now, open);
        run.engine.events.attemptFailed(run.runId, plan, i, n, open, 0);
        int next = Retrying.afterFailure(run, sr, open, now);
        if (next == Run.RETRY) {
          continue;
        }
        return next;
      }
      long timeout = Math.min(plan.timeoutNanos[i], remaining);
      run.engine.events.attemptStarted(run.runId, plan, i, n);
      StepBinding binding = plan.bindings[i];
      int next =
          binding.asyncCall() != null
              ? AsyncAttempt.start(run, sr, breaker, permit, now, timeout)
              : callSync(run, sr, binding, breaker, permit, now, timeout);
      if (next != Run.RETRY) {
        return next;
      }
    }
  }

  /** Calls a sync step on this thread; its timeout interrupts it. */
  private static int callSync(
      Run run,
      StepRun sr,
      StepBinding binding,
      Breaker breaker,
      long permit,
      long started,
      long timeout) {
    TimeoutGuard guard = new TimeoutGuard(Thread.currentThread());
    Cancellable timer = run.engine.scheduler.schedule(guard, timeout);
    sr.inFlight = guard;
    if (run.isCancelled()) {
      guard.run();
    }
    Object value = null;
    Throwable error = null;
    run.putMdc(sr.index);
    try {
      value = binding.syncCall().call(run.slots, sr);
    } catch (Throwable t) {
      error = t;
    } finally {
      run.clearMdc();
    }
    boolean inTime = guard.finish();
    timer.cancel();
    if (!inTime) {
      error = run.isCancelled() ? run.cancellation() : timedOut(run, sr, timeout, error);
    }
    return ended(run, sr, breaker, permit, started, value, error);
  }

  /**
   * The attempt ended with {@code value} or {@code error}: the breaker learns the outcome, a null
   * the step refuses is a failure, and a success completes the step; a failure goes to {@link
   * Retrying}, which may answer {@link Run#RETRY} (the caller attempts again at once).
   */
  static int ended(
      Run run,
      StepRun sr,
      Breaker breaker,
      long permit,
      long started,
      Object value,
      Throwable error) {
    sr.inFlight = null;
    StepDescriptor step = run.plan.steps[sr.index];
    if (error == null && value == null) {
      try {
        value =
            NullOutputs.checked(
                run.plan, sr.index, null, step.isAsync() ? "completed its stage with" : "returned");
      } catch (NullOutputException e) {
        error = e;
      }
    }
    long end = run.engine.scheduler.nanoTime();
    run.timeline.attempt(step.name(), sr.attempts, started, end, error);
    if (breaker != null && !run.isCancelled()) {
      breaker.onResult(permit, error, end);
    }
    if (error == null) {
      run.engine.events.attemptSucceeded(run.runId, run.plan, sr.index, sr.attempts, end - started);
      return run.succeeded(sr, value, Run.Origin.AGENT);
    }
    run.engine.events.attemptFailed(
        run.runId, run.plan, sr.index, sr.attempts, error, end - started);
    return Retrying.afterFailure(run, sr, error, end);
  }

  /**
   * The error of an attempt that overran {@code timeout}: the step's own timeout, or the run's
   * deadline when the timeout was cut to the time left.
   */
  static Throwable timedOut(Run run, StepRun sr, long timeout, Throwable cause) {
    StepDescriptor step = run.plan.steps[sr.index];
    TimeoutException e =
        timeout < step.timeout().toNanos()
            ? new DeadlineExceededException(
                step.name(), sr.attempts, run.deadline, "passed during the attempt")
            : new StepTimeoutException(step.name(), sr.attempts, Duration.ofNanos(timeout));
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  /** The failure a stage completed with, without the wrappers the JDK adds. */
  static Throwable unwrap(Throwable error) {
    while ((error instanceof CompletionException || error instanceof ExecutionException)
        && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }
}
