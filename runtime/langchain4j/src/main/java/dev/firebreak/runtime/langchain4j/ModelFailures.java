package dev.firebreak.runtime.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.firebreak.runtime.RetryAfter;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import java.io.IOException;
import java.time.Duration;

/** Sorts what a LangChain4j model threw into Firebreak's three classes of model failure. */
final class ModelFailures {
  private static final int MAX_DEPTH = 16;

  private ModelFailures() {}

  /**
   * {@code failure} of a call of {@code model} as a {@link ModelException}; as it is when it is
   * none of them (an interrupt, a bug), so that nothing is hidden behind a class.
   */
  static RuntimeException classify(String model, RuntimeException failure) {
    if (failure instanceof ModelException || has(failure, InterruptedException.class)) {
      return failure;
    }
    String about = "model " + model + ": ";
    if (has(failure, ModelCalls.SecondRetryLayerException.class)) {
      return new PermanentModelException(about + rootMessage(failure), failure);
    }
    if (failure instanceof NonRetriableException) {
      return new PermanentModelException(
          about + failure.getClass().getSimpleName() + ": " + rootMessage(failure), failure);
    }
    if (failure instanceof RetriableException) {
      return new TransientModelException(
          about + failure.getClass().getSimpleName() + ": " + rootMessage(failure),
          failure,
          retryAfter(failure));
    }
    if (has(failure, JsonProcessingException.class)) {
      return new InvalidModelOutputException(
          about + "the answer does not parse: " + rootMessage(failure), failure);
    }
    if (has(failure, IOException.class)) {
      return new TransientModelException(
          about + "the connection failed: " + rootMessage(failure), failure, null);
    }
    return failure;
  }

  private static Duration retryAfter(Throwable failure) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth++ < MAX_DEPTH; t = t.getCause()) {
      if (t instanceof RetryAfter asked && asked.retryAfter().isPresent()) {
        return asked.retryAfter().get();
      }
    }
    return null;
  }

  private static boolean has(Throwable failure, Class<? extends Throwable> type) {
    int depth = 0;
    for (Throwable t = failure; t != null && depth++ < MAX_DEPTH; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    int depth = 0;
    while (root.getCause() != null && root.getCause() != root && depth++ < MAX_DEPTH) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
