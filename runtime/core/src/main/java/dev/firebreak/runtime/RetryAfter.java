package dev.firebreak.runtime;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that carries the delay its source asked for before the next attempt, such as an HTTP
 * {@code Retry-After}. Firebreak waits at least that long before retrying (longer if the backoff
 * says so), and fails the step for good instead if the wait would pass the run's deadline or the
 * policy's {@code maxDuration}. Found on the failure or any of its causes.
 */
public interface RetryAfter {
  /** The delay the source asked for; empty if it asked for none. */
  Optional<Duration> retryAfter();
}
