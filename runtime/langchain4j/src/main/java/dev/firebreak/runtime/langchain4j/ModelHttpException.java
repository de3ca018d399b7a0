package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.RetryAfter;
import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP error response from a model server, as LangChain4j's {@link HttpException} with the
 * server's {@code Retry-After} kept: LangChain4j maps it by status code (429 to its {@code
 * RateLimitException}, …) and keeps it as the cause, where Firebreak finds the delay.
 */
final class ModelHttpException extends HttpException implements RetryAfter {
  private final Duration retryAfter;

  ModelHttpException(int statusCode, String body, Duration retryAfter) {
    super(statusCode, body);
    this.retryAfter = retryAfter;
  }

  @Override
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
