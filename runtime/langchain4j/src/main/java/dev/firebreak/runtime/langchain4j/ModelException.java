package dev.firebreak.runtime.langchain4j;

/**
 * A model call that failed, in one of three classes a step's {@code @Retry} can name: {@link
 * TransientModelException} (retry it), {@link PermanentModelException} (never retried) and {@link
 * InvalidModelOutputException} (the model answered, but not with what the step needs). The
 * LangChain4j exception is the cause.
 */
public abstract class ModelException extends RuntimeException {
  ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
