package dev.firebreak.runtime.langchain4j;

import dev.langchain4j.exception.NonRetriableException;

/**
 * The model call running on this thread, opened by {@link FirebreakChatModel} around each call: the
 * HTTP client counts its requests, and refuses a second one, since that is the model retrying on
 * its own beneath the step's {@code @Retry}.
 */
final class ModelCalls {
  private static final ThreadLocal<ModelCalls> CURRENT = new ThreadLocal<>();

  private final String model;
  private final ModelCalls outer;
  private int requests;

  private ModelCalls(String model, ModelCalls outer) {
    this.model = model;
    this.outer = outer;
  }

  /** Opens a call of {@code model} on this thread; close it in a {@code finally}. */
  static ModelCalls open(String model) {
    ModelCalls call = new ModelCalls(model, CURRENT.get());
    CURRENT.set(call);
    return call;
  }

  void close() {
    if (outer == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(outer);
    }
  }

  /** How many HTTP requests this call sent. */
  int requests() {
    return requests;
  }

  /** Before each HTTP request: the second one of a call is refused. */
  static void beforeRequest() {
    ModelCalls call = CURRENT.get();
    if (call == null) {
      return;
    }
    if (++call.requests > 1) {
      throw new SecondRetryLayerException(
          "model "
              + call.model
              + " sent a second HTTP request within one call: it retries on its own beneath"
              + " Firebreak's @Retry, so attempts and breakers would not count real calls. Build"
              + " it with maxRetries(0) (LangChain4j's default is 2); the step's @Retry is the"
              + " one retry layer");
    }
  }

  /** Not retried by LangChain4j's own retry loop, which stops at a NonRetriableException. */
  static final class SecondRetryLayerException extends NonRetriableException {
    SecondRetryLayerException(String message) {
      super(message);
    }
  }
}
