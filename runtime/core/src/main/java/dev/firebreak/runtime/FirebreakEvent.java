package dev.firebreak.runtime;

import java.time.Duration;

/**
 * What the runtime reports to {@link FirebreakListener}s: every attempt, retry, timeout, breaker
 * transition, degradation, compensation and dead letter, and the start and end of every run.
 *
 * <p>An event about a step names it twice: {@code step} is the step's name (as in {@link
 * WorkflowResult#failedStep()}, {@link DeadLetter#step()} and the override keys), and {@code
 * declaredBy} the agent method that declares it ({@link
 * dev.firebreak.runtime.graph.StepDescriptor#declaredBy()}), e.g. {@code
 * com.acme.OcrAgent#extract}, or empty when unknown.
 */
public sealed interface FirebreakEvent {
  /** A run began (or an existing run was resumed). */
  record RunStarted(String runId, String workflow, String entryPoint, boolean resumed)
      implements FirebreakEvent {}

  /** A run reached a final (or parked) status. */
  record RunFinished(
      String runId, String workflow, String entryPoint, WorkflowStatus status, Duration elapsed)
      implements FirebreakEvent {}

  /** An attempt of a step is about to call the agent. */
  record AttemptStarted(String runId, String workflow, String step, String declaredBy, int attempt)
      implements FirebreakEvent {}

  /** An attempt succeeded. */
  record AttemptSucceeded(
      String runId, String workflow, String step, String declaredBy, int attempt, Duration elapsed)
      implements FirebreakEvent {}

  /** An attempt failed ({@code failure} is a {@link StepTimeoutException} after a timeout). */
  record AttemptFailed(
      String runId,
      String workflow,
      String step,
      String declaredBy,
      int attempt,
      Throwable failure,
      Duration elapsed)
      implements FirebreakEvent {
    /** Whether the attempt overran its timeout. */
    public boolean timedOut() {
      return failure instanceof StepTimeoutException;
    }
  }

  /** A failed attempt will be followed by attempt {@code nextAttempt} after {@code delay}. */
  record RetryScheduled(
      String runId,
      String workflow,
      String step,
      String declaredBy,
      int nextAttempt,
      Duration delay,
      Throwable failure)
      implements FirebreakEvent {}

  /** A circuit breaker changed state. */
  record BreakerTransition(String breaker, CircuitBreakerState from, CircuitBreakerState to)
      implements FirebreakEvent {}

  /** A step failed for good and the run went on with a fallback or neutral output. */
  record StepDegraded(
      String runId,
      String workflow,
      String step,
      String declaredBy,
      Throwable cause,
      boolean fallbackUsed)
      implements FirebreakEvent {}

  /** A completed step was undone by its {@code @Compensate} method. */
  record Compensated(String runId, String workflow, String step, String declaredBy, int attempts)
      implements FirebreakEvent {}

  /** A compensation failed on every attempt: the run is flagged for a human. */
  record CompensationFailed(
      String runId,
      String workflow,
      String step,
      String declaredBy,
      int attempts,
      Throwable failure)
      implements FirebreakEvent {}

  /**
   * A critical step of a checkpointed run met an open circuit breaker: the run waits, without a
   * thread, until the breaker lets calls through again.
   */
  record RunParked(String runId, String workflow, String step, String declaredBy, String breaker)
      implements FirebreakEvent {}

  /** A parked run goes on: its breaker half-opened or closed. */
  record RunUnparked(String runId, String workflow, String step, String declaredBy, String breaker)
      implements FirebreakEvent {}

  /** A run was put in the dead-letter queue. */
  record DeadLettered(DeadLetter letter) implements FirebreakEvent {}
}
