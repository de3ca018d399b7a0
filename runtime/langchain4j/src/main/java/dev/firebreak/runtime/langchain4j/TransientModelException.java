package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.RetryAfter;
import java.time.Duration;
import java.util.Optional;

/**
 * A model call that may succeed if tried again: a rate limit (HTTP 429), a timeout, a server error
 * (5xx), a connection that failed. Carries the server's {@code Retry-After}, which Firebreak waits
 * at least before the next attempt. Name it in {@code @Retry(retryOn =
 * TransientModelException.class)}.
 */
public final class TransientModelException extends ModelException implements RetryAfter {
  private final Duration retryAfter;

  TransientModelException(String message, Throwable cause, Duration retryAfter) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
