package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A primary chat model and its backups, tried in order within one step's attempt, each behind the
 * runtime's circuit breaker named for it ({@code llm-<name>} by default): the same breakers, events
 * and metrics as steps, so an open primary is skipped at once. An answer from a backup marks the
 * step degraded, naming the model that answered and the primary's failure: the run ends {@code
 * COMPLETED_DEGRADED}. The step's timeout and deadline bound the whole try: an interrupted attempt
 * tries no further model.
 *
 * <pre>{@code
 * FailoverChatModel models = FailoverChatModel.builder(runtime)
 *     .model("primary", primary)     // each built with maxRetries(0)
 *     .model("backup", backup)
 *     .build();
 *
 * @Step @Retry(maxAttempts = 3, retryOn = TransientModelException.class)
 * public Summary summarize(Ticket ticket, StepContext ctx) {
 *   return parse(models.forStep(ctx).chat(prompt(ticket)));
 * }
 * }</pre>
 */
public final class FailoverChatModel {
  private final FirebreakRuntime runtime;
  private final List<FirebreakChatModel> models;
  private final List<CircuitBreakerPolicy> breakers;

  private FailoverChatModel(Builder b) {
    this.runtime = b.runtime;
    this.models = List.copyOf(b.models);
    List<CircuitBreakerPolicy> policies = new ArrayList<>();
    for (FirebreakChatModel model : models) {
      policies.add(Objects.requireNonNull(b.breaker.apply(model.name()), "breaker policy"));
    }
    this.breakers = List.copyOf(policies);
  }

  public static Builder builder(FirebreakRuntime runtime) {
    return new Builder(runtime);
  }

  /** The breaker a model is behind when none is given: 5 failures in a row open it for 30 s. */
  public static CircuitBreakerPolicy defaultBreaker(String model) {
    return CircuitBreakerPolicy.builder("llm-" + model)
        .failureThreshold(5)
        .openFor(Duration.ofSeconds(30))
        .halfOpenTrials(1)
        .failOn(TransientModelException.class, PermanentModelException.class)
        .build();
  }

  /** The models for one attempt of the step {@code context} belongs to. */
  public ChatModel forStep(StepContext context) {
    Objects.requireNonNull(context, "context");
    return new ChatModel() {
      @Override
      public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
        return FailoverChatModel.this.chat(context, request, options);
      }

      @Override
      public ChatResponse doChat(ChatRequest request) {
        return FailoverChatModel.this.chat(context, request, ChatRequestOptions.EMPTY);
      }
    };
  }

  private ChatResponse chat(StepContext context, ChatRequest request, ChatRequestOptions options) {
    RuntimeException first = null;
    for (int i = 0; i < models.size(); i++) {
      FirebreakChatModel model = models.get(i);
      if (Thread.currentThread().isInterrupted()
          || context.remaining().map(Duration::isZero).orElse(false)) {
        break; // the step's timeout or deadline: no further model
      }
      try {
        ChatResponse response =
            runtime.callThroughBreaker(
                breakers.get(i), () -> model.chat(context, request, options));
        if (i > 0) {
          context.degraded("answered by backup model " + model.name(), first);
        }
        return response;
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e); // model.chat throws no checked exception
      }
    }
    throw first != null
        ? first
        : new IllegalStateException("interrupted before any model was called");
  }

  public static final class Builder {
    private final FirebreakRuntime runtime;
    private final List<FirebreakChatModel> models = new ArrayList<>();
    private Function<String, CircuitBreakerPolicy> breaker = FailoverChatModel::defaultBreaker;

    private Builder(FirebreakRuntime runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /** Adds a model: the first is the primary, the others are backups in the order added. */
    public Builder model(String name, ChatModel model) {
      models.add(
          model instanceof FirebreakChatModel wrapped && wrapped.name().equals(name)
              ? wrapped
              : FirebreakChatModel.of(name, model));
      return this;
    }

    /** The breaker policy of each model, by its name; {@link #defaultBreaker} otherwise. */
    public Builder breaker(Function<String, CircuitBreakerPolicy> breaker) {
      this.breaker = Objects.requireNonNull(breaker, "breaker");
      return this;
    }

    /**
     * @throws IllegalStateException without a model, or with two of one name
     */
    public FailoverChatModel build() {
      if (models.isEmpty()) {
        throw new IllegalStateException("a FailoverChatModel needs at least one model");
      }
      if (models.stream().map(FirebreakChatModel::name).distinct().count() != models.size()) {
        throw new IllegalStateException("two models of one name: breakers are named for models");
      }
      return new FailoverChatModel(this);
    }
  }
}
