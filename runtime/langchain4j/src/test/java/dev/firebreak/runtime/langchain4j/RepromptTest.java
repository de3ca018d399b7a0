package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An invalid answer is a step failure, told to the model in the next attempt, then a fallback. */
class RepromptTest {
  private FaultyModelServer server;
  private FirebreakRuntime runtime;

  @BeforeEach
  void start() throws Exception {
    server = new FaultyModelServer();
    runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .shutdownHook(false)
            .build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    server.close();
  }

  /** The priority a triage step asks the model for: one of three words. */
  static String priority(String answer) {
    String p = answer.trim();
    if (!List.of("LOW", "HIGH", "URGENT").contains(p)) {
      throw new IllegalArgumentException("'" + p + "' is not LOW, HIGH or URGENT");
    }
    return p;
  }

  private BoundEntryPoint triage(boolean withFallback) {
    ChatModel model =
        FirebreakChatModel.of(
            "triage",
            OpenAiChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey("test")
                .modelName("m")
                .maxRetries(0)
                .httpClientBuilder(new FirebreakHttpClientBuilder())
                .build());
    Reprompt reprompt = new Reprompt();
    StepBinding binding =
        StepBinding.sync(
            (s, ctx) ->
                reprompt.read(
                    ctx,
                    model.chat(
                        reprompt.messages(
                            ctx, List.of(UserMessage.from("Priority of: " + s[0] + "?")))),
                    RepromptTest::priority));
    if (withFallback) {
      binding = binding.fallback((s, failure) -> "LOW");
    }
    StepDescriptor.Builder step =
        StepDescriptor.builder("triage")
            .inputs(0)
            .retry(
                RetryPolicy.builder()
                    .maxAttempts(2)
                    .delay(Duration.ZERO)
                    .jitter(0)
                    .retryOn(InvalidModelOutputException.class)
                    .build());
    return Flow.of("triage", 1).step(step, binding).bind(runtime);
  }

  @Test
  void anInvalidAnswerIsRetriedWithWhyItWasRefused() {
    server.then(FaultyModelServer.Reply.answer("Probably quite important"));
    server.always(FaultyModelServer.Reply.answer("HIGH"));
    WorkflowResult<Object> result = triage(false).runForResult("t-1", "the server room is on fire");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
    assertEquals("HIGH", result.output());
    assertEquals(2, server.requests());
    assertFalse(server.bodies().get(0).contains("invalid"), "the first attempt is told nothing");
    String second = server.bodies().get(1);
    assertTrue(second.contains("Probably quite important"), second);
    assertTrue(
        second.contains(
            "That answer is invalid: 'Probably quite important' is not LOW, HIGH or URGENT"),
        second);
  }

  @Test
  void anAnswerInvalidEveryTimeFallsBackAfterTheLastAttempt() {
    server.always(FaultyModelServer.Reply.answer("maybe"));
    WorkflowResult<Object> result = triage(true).runForResult("t-2", "printer jam");
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status(), result.toString());
    assertEquals("LOW", result.output());
    assertEquals(2, server.requests());
    assertInstanceOf(InvalidModelOutputException.class, result.degradedSteps().get(0).cause());
  }
}
