package dev.firebreak.runtime.langchain4j;

import dev.langchain4j.exception.NonRetriableException;

/**
 * The model call running on this thread, opened by {@link FirebreakChatModel} around each call: the
 * HTTP client counts its requests, and refuses a second one, since that is the model retrying on
 * its own beneath the step's {@code @Retry}. It also names the model and, when the call is made
 * through a step's view ({@link FirebreakChatModel#forStep}), the step's workflow and name, which
 * {@link ModelTokenMeters} (a listener running on the calling thread) tags its meters with.
 */
final class ModelCalls {
  private static final ThreadLocal<ModelCalls> CURRENT = new ThreadLocal<>();

  private final String model;
  private final String workflow;
  private final String step;
  private final ModelCalls outer;
  private int requests;

  private ModelCalls(String model, String workflow, String step, ModelCalls outer) {
    this.model = model;
    this.workflow = workflow;
    this.step = step;
    this.outer = outer;
  }

  /**
   * Opens a call of {@code model} on this thread, outside a step; close it in a {@code finally}.
   */
  static ModelCalls open(String model) {
    return open(model, null, null);
  }

  /**
   * Opens a call of {@code model} on this thread for the step {@code step} of {@code workflow} (the
   * workflow's qualified name); close it in a {@code finally}. Without a step (nulls), a call
   * nested in another keeps the outer call's step.
   */
  static ModelCalls open(String model, String workflow, String step) {
    ModelCalls outer = CURRENT.get();
    if (step == null && outer != null) {
      workflow = outer.workflow;
      step = outer.step;
    }
    ModelCalls call = new ModelCalls(model, workflow, step, outer);
    CURRENT.set(call);
    return call;
  }

  /** The call running on this thread, or null outside a {@link FirebreakChatModel}'s call. */
  static ModelCalls current() {
    return CURRENT.get();
  }

  /** The Firebreak name of the model called. */
  String model() {
    return model;
  }

  /** The qualified name of the workflow whose step makes the call, or null outside a step. */
  String workflow() {
    return workflow;
  }

  /** The step that makes the call, or null outside a step. */
  String step() {
    return step;
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
