package dev.firebreak.runtime;

/**
 * Thrown by an agent that received input it can never process (an impossible amount, a corrupt
 * file). It is never retried and never counts against a circuit breaker: the run goes to the
 * dead-letter queue with reason {@code INVALID_INPUT}. Subclass it for specific cases.
 */
public class InvalidInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
