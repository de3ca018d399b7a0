package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.StepTimeoutException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real OpenAI streaming client in a step, against a server that streams server-sent events: the
 * text arrives piece by piece, the step gets all of it, failures keep their classes, the step's
 * timeout ends a stream that stalls, and the tokens count for the step.
 */
class FirebreakStreamingChatModelTest {
  private FaultyModelServer server;
  private FirebreakRuntime runtime;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> pieces = new CopyOnWriteArrayList<>();

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

  private BoundEntryPoint workflow(Duration timeout, int attempts) {
    FirebreakStreamingChatModel model =
        FirebreakStreamingChatModel.of(
            "primary",
            OpenAiStreamingChatModel.builder()
                .baseUrl(server.baseUrl())
                .apiKey("test")
                .modelName("m")
                .listeners(ModelTokenMeters.on(registry))
                .build());
    return Flow.of("stream", 1)
        .workflow("com.acme.Drafts")
        .step(
            StepDescriptor.builder("draft")
                .inputs(0)
                .retry(Flow.fixedRetry(attempts, Duration.ofMillis(1))),
            timeout,
            StepBinding.sync(
                (s, ctx) ->
                    model
                        .chat(
                            ctx,
                            ChatRequest.builder().messages(UserMessage.from((String) s[0])).build(),
                            pieces::add)
                        .aiMessage()
                        .text()))
        .bind(runtime);
  }

  private double tokens(String kind) {
    return registry
        .get("firebreak.model.tokens")
        .tags("model", "primary", "workflow", "Drafts", "step", "draft", "kind", kind)
        .counter()
        .count();
  }

  @Test
  void theAnswerStreamsToTheConsumerAndTheStepGetsAllOfIt() {
    server.always(FaultyModelServer.Reply.stream(0, "Dear ", "customer, ", "sorry."));
    WorkflowResult<Object> result = workflow(Duration.ofSeconds(10), 1).runForResult("s1", "hi");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), String.valueOf(result.failure()));
    assertEquals("Dear customer, sorry.", result.output());
    assertEquals(List.of("Dear ", "customer, ", "sorry."), pieces);
    assertEquals(3, tokens("input"), "counted for the step, though the stream ends elsewhere");
    assertEquals(2, tokens("output"));
  }

  @Test
  void aFailureKeepsItsClassAndIsRetriedByTheStep() {
    server
        .then(FaultyModelServer.Reply.error(503, Map.of()))
        .always(FaultyModelServer.Reply.stream(0, "ok"));
    WorkflowResult<Object> result = workflow(Duration.ofSeconds(10), 2).runForResult("s2", "hi");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), String.valueOf(result.failure()));
    assertEquals(2, result.attempts().get("draft"));
    assertEquals(2, server.requests());

    server.always(FaultyModelServer.Reply.error(401, Map.of()));
    WorkflowResult<Object> refused = workflow(Duration.ofSeconds(10), 3).runForResult("s3", "hi");
    assertEquals(WorkflowStatus.FAILED, refused.status());
    assertInstanceOf(PermanentModelException.class, refused.failure());
    assertEquals(1, refused.attempts().get("draft"), "a 401 is not retried");
  }

  @Test
  void theStepsTimeoutEndsAStreamThatStalls() {
    server.always(FaultyModelServer.Reply.stream(5_000, "one ", "two ", "three"));
    long started = System.nanoTime();
    WorkflowResult<Object> result = workflow(Duration.ofMillis(500), 1).runForResult("s4", "hi");
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertInstanceOf(StepTimeoutException.class, result.failure());
    assertTrue(tookMillis < 4_000, "the run did not wait for the stream: " + tookMillis + " ms");
  }
}
