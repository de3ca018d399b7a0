package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.StepContext;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A LangChain4j {@link ChatModel} for use inside Firebreak steps: its failures come as {@link
 * TransientModelException}, {@link PermanentModelException} or {@link InvalidModelOutputException}
 * (the LangChain4j exception as the cause), for the step's {@code @Retry} and
 * {@code @CircuitBreaker} to name, and a model that retries on its own beneath them is refused.
 * Build the model with {@code maxRetries(0)} and {@link FirebreakHttpClientBuilder}:
 *
 * <pre>{@code
 * ChatModel model = FirebreakChatModel.of("primary", OpenAiChatModel.builder()
 *     .baseUrl(url).apiKey(key).modelName("gpt-4o-mini")
 *     .maxRetries(0)
 *     .httpClientBuilder(new FirebreakHttpClientBuilder())
 *     .build());
 * }</pre>
 *
 * <p>In a step, call it through {@link #forStep} so that its tokens are counted for the step (see
 * {@link ModelTokenMeters}).
 */
public final class FirebreakChatModel implements ChatModel {
  private final String name;
  private final ChatModel model;

  private FirebreakChatModel(String name, ChatModel model) {
    this.name = Objects.requireNonNull(name, "name");
    this.model = Objects.requireNonNull(model, "model");
  }

  /** {@code model}, named {@code name} in its failures' messages. */
  public static FirebreakChatModel of(String name, ChatModel model) {
    return new FirebreakChatModel(name, model);
  }

  /**
   * The name its failures' messages give the model; also its breaker's in a {@link
   * FailoverChatModel} and its {@code model} tag in {@link ModelTokenMeters}.
   */
  public String name() {
    return name;
  }

  /**
   * This model as called by the step {@code context} belongs to: the same model, its calls known to
   * be the step's, so that {@link ModelTokenMeters} counts their tokens for the step's workflow and
   * name (called directly, a model's tokens count for step and workflow {@code none}).
   *
   * <pre>{@code
   * // in the step:
   * String answer = model.forStep(ctx).chat(prompt);
   * }</pre>
   */
  public ChatModel forStep(StepContext context) {
    Objects.requireNonNull(context, "context");
    return new ChatModel() {
      @Override
      public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        return FirebreakChatModel.this.chat(context, request, options);
      }

      @Override
      public ChatResponse doChat(ChatRequest request) {
        return FirebreakChatModel.this.chat(context, request, ChatRequestOptions.EMPTY);
      }

      @Override
      public ChatRequestParameters defaultRequestParameters() {
        return model.defaultRequestParameters();
      }

      @Override
      public ModelProvider provider() {
        return model.provider();
      }

      @Override
      public Set<Capability> supportedCapabilities() {
        return model.supportedCapabilities();
      }

      @Override
      public String toString() {
        return "FirebreakChatModel[" + name + "] for step " + context.stepName();
      }
    };
  }

  @Override
  public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
    return chat(null, request, options);
  }

  /** A call of the wrapped model (its listeners run in it), for {@code context}'s step if any. */
  ChatResponse chat(StepContext context, ChatRequest request, ChatRequestOptions options) {
    return call(context, () -> model.chat(request, options));
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return call(null, () -> model.doChat(request));
  }

  /** {@code chat} as one model call: counted, its failure classified. */
  private ChatResponse call(StepContext context, Supplier<ChatResponse> chat) {
    ModelCalls call =
        context == null
            ? ModelCalls.open(name)
            : ModelCalls.open(name, context.workflow(), context.stepName());
    try {
      return chat.get();
    } catch (RuntimeException e) {
      throw ModelFailures.classify(name, e);
    } finally {
      call.close();
    }
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return model.defaultRequestParameters();
  }

  /** None here: the wrapped model calls its own listeners. */
  @Override
  public List<ChatModelListener> listeners() {
    return List.of();
  }

  @Override
  public ModelProvider provider() {
    return model.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return model.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "FirebreakChatModel[" + name + "]";
  }
}
