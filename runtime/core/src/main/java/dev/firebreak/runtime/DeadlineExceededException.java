package dev.firebreak.runtime;

import java.time.Instant;
import java.util.concurrent.TimeoutException;

/**
 * The run's {@code deadline} passed before a step could finish, or a retry's delay would have
 * crossed it. Never retried; a run that fails with it is dead-lettered with reason {@link
 * DeadLetterReason#DEADLINE}.
 */
public class DeadlineExceededException extends TimeoutException {
  private static final long serialVersionUID = 1L;
  private final transient Instant deadline;

  public DeadlineExceededException(String step, int attempt, Instant deadline, String what) {
    super(
        "run deadline "
            + deadline
            + " "
            + what
            + " in step '"
            + step
            + "' (attempt "
            + attempt
            + ")");
    this.deadline = deadline;
  }

  /** The deadline that passed. */
  public Instant deadline() {
    return deadline;
  }
}
