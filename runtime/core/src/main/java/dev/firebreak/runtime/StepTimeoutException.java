package dev.firebreak.runtime;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * One attempt of a step overran its {@code @Timeout}; retried like any exception its policy lists.
 */
public class StepTimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;
  private final transient Duration timeout;

  public StepTimeoutException(String step, int attempt, Duration timeout) {
    super("step '" + step + "' timed out after " + timeout + " (attempt " + attempt + ")");
    this.timeout = timeout;
  }

  /** The timeout the attempt overran. */
  public Duration timeout() {
    return timeout;
  }
}
