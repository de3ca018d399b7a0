package dev.firebreak.runtime;

/** Why a run ended in the dead-letter queue; the README has a runbook entry for each. */
public enum DeadLetterReason {
  /** A critical step failed on every attempt its {@code @Retry} allowed (or was not retryable). */
  RETRIES_EXHAUSTED,
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

  /** The reason a run that failed with {@code failure} is dead-lettered for. */
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
