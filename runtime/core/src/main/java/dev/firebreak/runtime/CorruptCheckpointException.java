package dev.firebreak.runtime;

/**
 * Stored checkpoint bytes could not be decoded into the step's output type: truncated, tampered
 * with, or written by an incompatible type. The run is dead-lettered with reason {@link
 * DeadLetterReason#CORRUPT_CHECKPOINT}; it is never retried and never yields a wrong object.
 */
public class CorruptCheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptCheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
