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
 * registered, so a runtime without listeners pays nothing for them on the happy path.
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

  void attemptStarted(String runId, String workflow, String step, int attempt) {
    if (active()) {
      emit(new FirebreakEvent.AttemptStarted(runId, workflow, step, attempt));
    }
  }

  void attemptSucceeded(String runId, String workflow, String step, int attempt, long nanos) {
    if (active()) {
      emit(
          new FirebreakEvent.AttemptSucceeded(
              runId, workflow, step, attempt, Duration.ofNanos(nanos)));
    }
  }

  void attemptFailed(
      String runId, String workflow, String step, int attempt, Throwable failure, long nanos) {
    if (log.isDebugEnabled()) {
      log.debug(
          "run {}: step {} attempt {} failed: {}",
          RunIds.forLog(runId),
          step,
          attempt,
          failure.toString());
    }
    if (active()) {
      emit(
          new FirebreakEvent.AttemptFailed(
              runId, workflow, step, attempt, failure, Duration.ofNanos(nanos)));
    }
  }

  void retryScheduled(
      String runId, String workflow, String step, int next, long delayNanos, Throwable failure) {
    if (active()) {
      emit(
          new FirebreakEvent.RetryScheduled(
              runId, workflow, step, next, Duration.ofNanos(delayNanos), failure));
    }
  }

  void breakerTransition(String breaker, CircuitBreakerState from, CircuitBreakerState to) {
    log.info("circuit breaker '{}' {} -> {}", breaker, from, to);
    if (active()) {
      emit(new FirebreakEvent.BreakerTransition(breaker, from, to));
    }
  }

  void degraded(String runId, String workflow, String step, Throwable cause, boolean fallbackUsed) {
    log.info(
        "run {}: step {} degraded to its {} after {}",
        RunIds.forLog(runId),
        step,
        fallbackUsed ? "fallback" : "neutral default",
        cause.toString());
    if (active()) {
      emit(new FirebreakEvent.StepDegraded(runId, workflow, step, cause, fallbackUsed));
    }
  }

  void compensated(String runId, String workflow, String step, int attempts) {
    log.info("run {}: step {} compensated", RunIds.forLog(runId), step);
    if (active()) {
      emit(new FirebreakEvent.Compensated(runId, workflow, step, attempts));
    }
  }

  void compensationFailed(
      String runId, String workflow, String step, int attempts, Throwable failure) {
    log.error(
        "run {}: compensation of step {} failed {} times; a human must reconcile",
        RunIds.forLog(runId),
        step,
        attempts,
        failure);
    if (active()) {
      emit(new FirebreakEvent.CompensationFailed(runId, workflow, step, attempts, failure));
    }
  }

  void parked(String runId, String workflow, String step, String breaker) {
    log.info(
        "run {}: step {} parked until circuit breaker '{}' lets calls through",
        RunIds.forLog(runId),
        step,
        breaker);
    if (active()) {
      emit(new FirebreakEvent.RunParked(runId, workflow, step, breaker));
    }
  }

  void unparked(String runId, String workflow, String step, String breaker) {
    if (log.isDebugEnabled()) {
      log.debug(
          "run {}: step {} unparked from circuit breaker '{}'",
          RunIds.forLog(runId),
          step,
          breaker);
    }
    if (active()) {
      emit(new FirebreakEvent.RunUnparked(runId, workflow, step, breaker));
    }
  }

  void deadLettered(DeadLetter letter) {
    log.error(
        "run {} of {} dead-lettered ({}) at step {} after {} attempt(s): {}",
        RunIds.forLog(letter.runId()),
        letter.workflow(),
        letter.reason(),
        letter.step(),
        letter.attempts(),
        letter.errorChain());
    if (active()) {
      emit(new FirebreakEvent.DeadLettered(letter));
    }
  }
}
