package dev.firebreak.sample.triage;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.langchain4j.FailoverChatModel;
import dev.firebreak.runtime.langchain4j.FirebreakChatModel;
import dev.firebreak.runtime.langchain4j.FirebreakHttpClientBuilder;
import dev.firebreak.runtime.langchain4j.ModelTokenMeters;
import dev.firebreak.runtime.langchain4j.Reprompt;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.List;

/**
 * The triage pipeline's models as Firebreak steps use them: real LangChain4j OpenAI clients with
 * their own retries off ({@code maxRetries(0)}: the steps' {@code @Retry} is the one retry layer)
 * and Firebreak's HTTP client, which reads {@code Retry-After} and gives up the call when the
 * step's timeout interrupts it. The writer fails over from the primary model to the backup, each
 * behind its breaker ({@code llm-primary}, {@code llm-backup}). Every answer's tokens are counted
 * by step and model ({@link ModelTokenMeters}).
 */
public final class TriageModels {
  private final FirebreakChatModel primary;
  private final FailoverChatModel writers;

  private TriageModels(FirebreakChatModel primary, FailoverChatModel writers) {
    this.primary = primary;
    this.writers = writers;
  }

  /**
   * The models of {@code server}: {@code primaryModel} and, for the writer, {@code backupModel}.
   */
  public static TriageModels connect(
      FirebreakRuntime runtime,
      Endpoint server,
      String primaryModel,
      String backupModel,
      ModelTokenMeters tokens) {
    FirebreakChatModel primary =
        FirebreakChatModel.of("primary", client(server, primaryModel, tokens));
    FirebreakChatModel backup =
        FirebreakChatModel.of("backup", client(server, backupModel, tokens));
    return new TriageModels(
        primary,
        FailoverChatModel.builder(runtime)
            .model("primary", primary)
            .model("backup", backup)
            .build());
  }

  /** Where the models are served, and the key they take. */
  public record Endpoint(String baseUrl, String apiKey) {}

  private static ChatModel client(Endpoint server, String model, ModelTokenMeters tokens) {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey(server.apiKey())
        .modelName(model)
        .responseFormat("json_object")
        .maxRetries(0)
        .httpClientBuilder(new FirebreakHttpClientBuilder())
        .listeners(tokens)
        .build();
  }

  /** The primary model, alone, for one attempt of the step {@code ctx}. */
  public ChatModel primary(StepContext ctx) {
    return primary.forStep(ctx);
  }

  /** The writer's models for one attempt of the step {@code ctx}: the primary, then the backup. */
  public ChatModel writer(StepContext ctx) {
    return writers.forStep(ctx);
  }

  /**
   * Asks {@code model} {@code prompt} in the step {@code ctx} and reads its answer; an answer that
   * does not read fails the attempt, and the next attempt tells the model why.
   */
  public <T> T ask(
      StepContext ctx,
      Reprompt reprompt,
      ChatModel model,
      String prompt,
      Reprompt.Reader<T> reader) {
    List<ChatMessage> messages = reprompt.messages(ctx, List.of(UserMessage.from(prompt)));
    return reprompt.read(ctx, model.chat(ChatRequest.builder().messages(messages).build()), reader);
  }
}
