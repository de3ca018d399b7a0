package dev.firebreak.runtime;

/** Why a run ended in the dead-letter queue; the README has a runbook entry for each. */
public enum DeadLetterReason {
  /**
   * A critical step failed with a failure its {@code @Retry} retries, on every attempt it allowed
   * (or within its {@code maxDuration}).
   */
  RETRIES_EXHAUSTED,
  /**
   * A critical step failed and was not retried: it has no {@code @Retry}, or its {@code @Retry}
   * does not retry that failure ({@code retryOn}, {@code abortOn}, a {@link PermanentFailure}).
   */
  STEP_FAILED,
  /** A critical step met an open circuit breaker and the run could not wait for it. */
  CIRCUIT_OPEN,
  /** The run's deadline passed before a critical step succeeded. */
  DEADLINE,
  /** An agent rejected its input with {@link InvalidInputException}; retrying cannot help. */
  INVALID_INPUT,
  /** The run failed and at least one compensation failed too: a human must reconcile. */
  COMPENSATION_FAILED,
  /** A stored checkpoint could not be decoded. */
  CORRUPT_CHECKPOINT;

  /**
   * The reason a run that failed with {@code failure} is dead-lettered for, {@code retried} telling
   * whether the failure was one the failed step's {@code @Retry} retries.
   */
  public static DeadLetterReason of(Throwable failure, boolean retried) {
    DeadLetterReason reason = of(failure);
    return reason == RETRIES_EXHAUSTED && !retried ? STEP_FAILED : reason;
  }

  /**
   * The reason a run that failed with {@code failure} is dead-lettered for, taking the failure for
   * one its step retries.
   */
  public static DeadLetterReason of(Throwable failure) {
    if (failure instanceof InvalidInputException) {
      return INVALID_INPUT;
    }
    if (failure instanceof CircuitOpenException) {
      return CIRCUIT_OPEN;
    }
    if (failure instanceof DeadlineExceededException) {
      return DEADLINE;
    }
    if (failure instanceof CorruptCheckpointException) {
      return CORRUPT_CHECKPOINT;
    }
    return RETRIES_EXHAUSTED;
  }
}
