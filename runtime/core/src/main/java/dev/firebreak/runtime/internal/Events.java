package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.FirebreakEvent;
import dev.firebreak.runtime.FirebreakListener;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.WorkflowStatus;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans events out to listeners and to SLF4J. Event objects are only built when a listener is
 * registered, so a runtime without listeners pays nothing for them on the happy path. A step is
 * given as its plan and index: its events carry its declaring method in full, and log lines name it
 * in short form when it is known ({@code step extract (Invoice.OcrAgent#extract) degraded …}), from
 * {@link BoundPlan#declaredByNotes}.
 */
public final class Events {
  private static final Logger log = LoggerFactory.getLogger("dev.firebreak.runtime");

  private final FirebreakListener[] listeners;

  Events(List<FirebreakListener> listeners) {
    this.listeners = listeners.toArray(new FirebreakListener[0]);
  }

  boolean active() {
    return listeners.length > 0;
  }

  /** The full form events carry: empty, never null, when the step names no declaring method. */
  private static String declaredBy(BoundPlan plan, int step) {
    String declaredBy = plan.steps[step].declaredBy();
    return declaredBy == null ? "" : declaredBy;
  }

  private void emit(FirebreakEvent event) {
    for (FirebreakListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        log.warn("listener {} threw on {}", l, event, e);
      }
    }
  }

  void runStarted(String runId, String workflow, String entryPoint, boolean resumed) {
    if (active()) {
      emit(new FirebreakEvent.RunStarted(runId, workflow, entryPoint, resumed));
    }
  }

  void runFinished(
      String runId, String workflow, String entryPoint, WorkflowStatus status, long nanos) {
    if (!status.isSuccess()) {
      log.warn("run {} of {}.{} ended {}", RunIds.forLog(runId), workflow, entryPoint, status);
    } else if (log.isDebugEnabled()) {
      log.debug("run {} of {}.{} ended {}", RunIds.forLog(runId), workflow, entryPoint, status);
    }
    if (active()) {
      emit(
          new FirebreakEvent.RunFinished(
              runId, workflow, entryPoint, status, Duration.ofNanos(nanos)));
    }
  }

  void attemptStarted(String runId, BoundPlan plan, int step, int attempt) {
    if (active()) {
      emit(
          new FirebreakEvent.AttemptStarted(
              runId, plan.workflow(), plan.steps[step].name(), declaredBy(plan, step), attempt));
    }
  }

  void attemptSucceeded(String runId, BoundPlan plan, int step, int attempt, long nanos) {
    if (active()) {
      emit(
          new FirebreakEvent.AttemptSucceeded(
              runId,
              plan.workflow(),
              plan.steps[step].name(),
              declaredBy(plan, step),
              attempt,
              Duration.ofNanos(nanos)));
    }
  }

  void attemptFailed(
      String runId, BoundPlan plan, int step, int attempt, Throwable failure, long nanos) {
    if (log.isDebugEnabled()) {
      log.debug(
          "run {}: step {}{} attempt {} failed: {}",
          RunIds.forLog(runId),
          plan.steps[step].name(),
          plan.declaredByNotes[step],
          attempt,
          failure.toString());
    }
    if (active()) {
      emit(
          new FirebreakEvent.AttemptFailed(
              runId,
              plan.workflow(),
              plan.steps[step].name(),
              declaredBy(plan, step),
              attempt,
              failure,
              Duration.ofNanos(nanos)));
    }
  }

  void retryScheduled(
      String runId, BoundPlan plan, int step, int next, long delayNanos, Throwable failure) {
    if (active()) {
      emit(
          new FirebreakEvent.RetryScheduled(
              runId,
              plan.workflow(),
              plan.steps[step].name(),
              declaredBy(plan, step),
              next,
              Duration.ofNanos(delayNanos),
              failure));
    }
  }

  void breakerTransition(String breaker, CircuitBreakerState from, CircuitBreakerState to) {
    log.info("circuit breaker '{}' {} -> {}", breaker, from, to);
    if (active()) {
      emit(new FirebreakEvent.BreakerTransition(breaker, from, to));
    }
  }

  void degraded(
      String runId, BoundPlan plan, int step, Throwable cause, boolean fallbackUsed, String how) {
    String name = plan.steps[step].name();
    log.info(
        "run {}: step {}{} degraded to its {} after {}",
        RunIds.forLog(runId),
        name,
        plan.declaredByNotes[step],
        how,
        cause.toString());
    if (active()) {
      emit(
          new FirebreakEvent.StepDegraded(
              runId, plan.workflow(), name, declaredBy(plan, step), cause, fallbackUsed));
    }
  }

  void compensated(String runId, BoundPlan plan, int step, int attempts) {
    String name = plan.steps[step].name();
    log.info(
        "run {}: step {}{} compensated", RunIds.forLog(runId), name, plan.declaredByNotes[step]);
    if (active()) {
      emit(
          new FirebreakEvent.Compensated(
              runId, plan.workflow(), name, declaredBy(plan, step), attempts));
    }
  }

  void compensationFailed(String runId, BoundPlan plan, int step, int attempts, Throwable failure) {
    String name = plan.steps[step].name();
    log.error(
        "run {}: compensation of step {}{} failed {} times; a human must reconcile",
        RunIds.forLog(runId),
        name,
        plan.declaredByNotes[step],
        attempts,
        failure);
    if (active()) {
      emit(
          new FirebreakEvent.CompensationFailed(
              runId, plan.workflow(), name, declaredBy(plan, step), attempts, failure));
    }
  }

  void parked(String runId, BoundPlan plan, int step, String breaker) {
    String name = plan.steps[step].name();
    log.info(
        "run {}: step {}{} parked until circuit breaker '{}' lets calls through",
        RunIds.forLog(runId),
        name,
        plan.declaredByNotes[step],
        breaker);
    if (active()) {
      emit(
          new FirebreakEvent.RunParked(
              runId, plan.workflow(), name, declaredBy(plan, step), breaker));
    }
  }

  void unparked(String runId, BoundPlan plan, int step, String breaker) {
    String name = plan.steps[step].name();
    if (log.isDebugEnabled()) {
      log.debug(
          "run {}: step {}{} unparked from circuit breaker '{}'",
          RunIds.forLog(runId),
          name,
          plan.declaredByNotes[step],
          breaker);
    }
    if (active()) {
      emit(
          new FirebreakEvent.RunUnparked(
              runId, plan.workflow(), name, declaredBy(plan, step), breaker));
    }
  }

  /** {@code note}: what follows the failed step's name, as {@link BoundPlan#declaredByNotes}. */
  void deadLettered(DeadLetter letter, String note) {
    log.error(
        "run {} of {} dead-lettered ({}) at step {}{} after {} attempt(s): {}",
        RunIds.forLog(letter.runId()),
        letter.workflow(),
        letter.reason(),
        letter.step(),
        note,
        letter.attempts(),
        letter.errorChain());
    if (active()) {
      emit(new FirebreakEvent.DeadLettered(letter));
    }
  }
}
