package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.InvalidOutput;

/**
 * The model answered, but its answer is not what the step needs: a response body that does not
 * parse, or an answer {@link Reprompt} refused. Counted apart from transport failures (an {@link
 * InvalidOutput}); retried only if {@code retryOn} names it.
 */
public final class InvalidModelOutputException extends ModelException implements InvalidOutput {
  InvalidModelOutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
