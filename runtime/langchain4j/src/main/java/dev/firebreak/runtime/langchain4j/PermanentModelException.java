package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.PermanentFailure;

/**
 * A model call that fails the same way however often it is tried: authentication, an invalid
 * request, a model that does not exist, content the provider filtered, or a model that retries on
 * its own inside a Firebreak step. Never retried, whatever {@code retryOn} says; a fallback (a
 * backup model) still runs.
 */
public final class PermanentModelException extends ModelException implements PermanentFailure {
  PermanentModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
