package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code langchain4j-open-ai} client inside Firebreak steps, against a local server that
 * injects faults: one retry layer (the step's), the failure classes, and the server's Retry-After.
 */
class FirebreakChatModelTest {
  private FaultyModelServer server;
  private ExecutorService executor;

  @BeforeEach
  void start() throws Exception {
    server = new FaultyModelServer();
    executor = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void stop() {
    server.close();
    executor.shutdownNow();
  }

  private ChatModel model(Integer maxRetries) {
    OpenAiChatModel.OpenAiChatModelBuilder builder =
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test")
            .modelName("m")
            .timeout(Duration.ofSeconds(10))
            .httpClientBuilder(new FirebreakHttpClientBuilder());
    if (maxRetries != null) {
      builder.maxRetries(maxRetries);
    }
    return FirebreakChatModel.of("primary", builder.build());
  }

  private FirebreakRuntime runtime(ManualScheduler clock) {
    FirebreakRuntime.Builder b =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .executor(executor)
            .shutdownHook(false);
    if (clock != null) {
      b.scheduler(clock);
    }
    return b.build();
  }

  /** A one-step workflow asking {@code model}, retried by {@code retry}. */
  private static BoundEntryPoint ask(FirebreakRuntime runtime, ChatModel model, RetryPolicy retry) {
    return Flow.of("ask", 1)
        .step(
            StepDescriptor.builder("ask").inputs(0).retry(retry),
            Duration.ofSeconds(30),
            StepBinding.sync((s, ctx) -> model.chat((String) s[0])))
        .bind(runtime);
  }

  private static RetryPolicy retry(int attempts, Duration delay, Class<? extends Throwable> on) {
    return RetryPolicy.builder().maxAttempts(attempts).delay(delay).jitter(0).retryOn(on).build();
  }

  @Test
  void aRateLimitedModelIsCalledOncePerAttemptOfTheStep() {
    server.always(FaultyModelServer.Reply.error(429, Map.of()));
    try (FirebreakRuntime runtime = runtime(null)) {
      WorkflowResult<Object> result =
          ask(runtime, model(0), retry(4, Duration.ZERO, TransientModelException.class))
              .runForResult("limited", "hi");
      assertEquals(WorkflowStatus.FAILED, result.status());
      assertInstanceOf(TransientModelException.class, result.failure(), result.toString());
      assertEquals(4, server.requests(), "four attempts, four HTTP calls: one retry layer");
    }
  }

  @Test
  void aServersRetryAfterIsTheLeastDelayBeforeTheNextAttempt() throws Exception {
    server.then(FaultyModelServer.Reply.error(429, Map.of("Retry-After", "2")));
    ManualScheduler clock = new ManualScheduler(Instant.parse("2026-12-01T12:00:00Z"));
    try (FirebreakRuntime runtime = runtime(clock)) {
      CompletableFuture<WorkflowResult<Object>> run =
          ask(runtime, model(0), retry(3, Duration.ofMillis(100), TransientModelException.class))
              .runAsyncForResult("paced", "hi")
              .toCompletableFuture();
      IntakeContract.await(
          "the retry scheduled after the 429",
          () -> clock.nextDue().map(d -> d.equals(Duration.ofSeconds(2))).orElse(false),
          () -> "next due " + clock.nextDue() + ", requests " + server.requests());
      clock.advance(Duration.ofMillis(1999));
      assertEquals(1, server.requests(), "not before the 2 s the server asked for");
      clock.advance(Duration.ofMillis(1));
      WorkflowResult<Object> result = run.get(30, TimeUnit.SECONDS);
      assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
      assertEquals("hello", result.output());
      assertEquals(2, server.requests());
    }
  }

  @Test
  void aModelThatRetriesOnItsOwnIsRefusedAtItsSecondRequest() {
    server.always(FaultyModelServer.Reply.error(500, Map.of()));
    PermanentModelException refused =
        assertThrows(PermanentModelException.class, () -> model(null).chat("hi"));
    assertEquals(1, server.requests(), "LangChain4j's own retry never reached the server");
    assertTrue(refused.getMessage().contains("maxRetries(0)"), refused.getMessage());
  }

  @Test
  void permanentFailuresAreNeverRetriedWhateverRetryOnSays() {
    server.then(
        FaultyModelServer.Reply.error(401, Map.of()),
        FaultyModelServer.Reply.refusal("I can't help with that"));
    try (FirebreakRuntime runtime = runtime(null)) {
      BoundEntryPoint entry = ask(runtime, model(0), retry(3, Duration.ZERO, Exception.class));
      WorkflowResult<Object> unauthorized = entry.runForResult("unauthorized", "hi");
      assertInstanceOf(PermanentModelException.class, unauthorized.failure());
      assertTrue(
          unauthorized.failure().getMessage().contains("AuthenticationException"),
          unauthorized.failure().getMessage());
      assertEquals(1, server.requests());

      WorkflowResult<Object> refused = entry.runForResult("refused", "hi");
      assertInstanceOf(PermanentModelException.class, refused.failure());
      assertTrue(
          refused.failure().getMessage().contains("ContentFilteredException"),
          refused.failure().getMessage());
      assertEquals(2, server.requests(), "a refusal is sent once");
    }
  }

  @Test
  void anAnswerThatDoesNotParseIsAnInvalidOutput() {
    server.always(new FaultyModelServer.Reply(200, Map.of(), "{\"id\":\"c1\",\"choices\":["));
    InvalidModelOutputException invalid =
        assertThrows(InvalidModelOutputException.class, () -> model(0).chat("hi"));
    assertTrue(invalid.getMessage().contains("does not parse"), invalid.getMessage());
    assertEquals(1, server.requests());
  }
}
