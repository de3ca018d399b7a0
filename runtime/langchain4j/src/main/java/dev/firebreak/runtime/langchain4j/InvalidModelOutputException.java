package dev.firebreak.runtime.langchain4j;

/**
 * The model answered, but its answer is not what the step needs: a response body that does not
 * parse, or an answer {@link Reprompt} refused. Its own class, apart from transport failures;
 * retried only if {@code retryOn} names it.
 */
public final class InvalidModelOutputException extends ModelException {
  InvalidModelOutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
