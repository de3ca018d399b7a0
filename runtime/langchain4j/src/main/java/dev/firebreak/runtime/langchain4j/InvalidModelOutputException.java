package dev.firebreak.runtime.langchain4j;

/**
 * The model answered, but its answer is not what the step needs: today, a response body that does
 * not parse. Counted apart from transport failures; retried only if {@code retryOn} names it.
 */
public final class InvalidModelOutputException extends ModelException {
  InvalidModelOutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
