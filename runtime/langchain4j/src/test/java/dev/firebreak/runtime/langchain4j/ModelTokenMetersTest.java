package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens and cost of real OpenAI clients, answered by fault-injecting servers whose answers carry
 * {@code usage}, counted by the listener on the models, per model and per step of a real run.
 */
class ModelTokenMetersTest {
  private FaultyModelServer server;
  private FaultyModelServer backupServer;
  private FirebreakRuntime runtime;
  private MeterRegistry registry;

  @BeforeEach
  void start() throws Exception {
    server = new FaultyModelServer();
    backupServer = new FaultyModelServer();
    runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .shutdownHook(false)
            .build();
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    runtime.close();
    server.close();
    backupServer.close();
  }

  private static ChatModel openAi(FaultyModelServer server, ModelTokenMeters tokens) {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test")
        .modelName("m")
        .maxRetries(0)
        .httpClientBuilder(new FirebreakHttpClientBuilder())
        .listeners(tokens)
        .build();
  }

  /** Two steps, draft then review, each asking {@code model} once. */
  private BoundEntryPoint draftThenReview(FirebreakChatModel model) {
    return Flow.of("write", 1)
        .step(
            StepDescriptor.builder("draft").inputs(0),
            StepBinding.sync((s, ctx) -> model.forStep(ctx).chat("draft " + s[0])))
        .step(
            StepDescriptor.builder("review").inputs(1),
            StepBinding.sync((s, ctx) -> model.forStep(ctx).chat("review " + s[0])))
        .bind(runtime);
  }

  private double tokens(String model, String step, String kind) {
    Counter counter =
        registry
            .find("firebreak.model.tokens")
            .tags("model", model, "step", step, "kind", kind)
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private Double cost(String model, String step) {
    Counter counter =
        registry.find("firebreak.model.cost").tags("model", model, "step", step).counter();
    return counter == null ? null : counter.count();
  }

  @Test
  void tokensAndCostAreCountedPerModelAndStepOfARun() {
    ModelTokenMeters tokens = ModelTokenMeters.on(registry).price("writer", 2.0, 8.0);
    FirebreakChatModel writer = FirebreakChatModel.of("writer", openAi(server, tokens));
    server.then(
        FaultyModelServer.Reply.answer("a draft", 100, 20),
        FaultyModelServer.Reply.answer("looks good", 50, 10));

    WorkflowResult<Object> result = draftThenReview(writer).runForResult("w-1", "a poem");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());

    assertEquals(100, tokens("writer", "draft", "input"));
    assertEquals(20, tokens("writer", "draft", "output"));
    assertEquals(50, tokens("writer", "review", "input"));
    assertEquals(10, tokens("writer", "review", "output"));
    // 100 × 2 + 20 × 8 = 360 dollars per million tokens; 50 × 2 + 10 × 8 = 180
    assertEquals(0.000_36, cost("writer", "draft"), 1e-12);
    assertEquals(0.000_18, cost("writer", "review"), 1e-12);
    Meter.Id id = registry.find("firebreak.model.tokens").tag("step", "draft").counter().getId();
    assertEquals("Flow", id.getTag("workflow"), "the workflow's simple name, as FirebreakMetrics");
  }

  @Test
  void aModelWithoutAPriceCountsTokensAndNoCost() {
    ModelTokenMeters tokens = ModelTokenMeters.on(registry).price("other", 1.0, 1.0);
    FirebreakChatModel writer = FirebreakChatModel.of("writer", openAi(server, tokens));
    server.always(FaultyModelServer.Reply.answer("text", 30, 5));

    draftThenReview(writer).runForResult("w-2", "a poem");

    assertEquals(30, tokens("writer", "draft", "input"));
    assertEquals(5, tokens("writer", "review", "output"));
    assertTrue(registry.find("firebreak.model.cost").counters().isEmpty(), "no cost series");
  }

  @Test
  void aFailedCallCountsNothingAndItsRetryCountsItsAnswer() {
    ModelTokenMeters tokens = ModelTokenMeters.on(registry).price("writer", 1.0, 1.0);
    FirebreakChatModel writer = FirebreakChatModel.of("writer", openAi(server, tokens));
    server.then(
        FaultyModelServer.Reply.error(500, Map.of()),
        FaultyModelServer.Reply.answer("at last", 40, 4));
    BoundEntryPoint entry =
        Flow.of("once", 1)
            .step(
                StepDescriptor.builder("ask")
                    .inputs(0)
                    .retry(
                        RetryPolicy.builder()
                            .maxAttempts(2)
                            .delay(Duration.ZERO)
                            .jitter(0)
                            .retryOn(TransientModelException.class)
                            .build()),
                StepBinding.sync((s, ctx) -> writer.forStep(ctx).chat((String) s[0])))
            .bind(runtime);

    WorkflowResult<Object> result = entry.runForResult("w-3", "hi");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
    assertEquals(2, server.requests());
    assertEquals(40, tokens("writer", "ask", "input"), "the 500 counted nothing");
    assertEquals(4, tokens("writer", "ask", "output"));
    assertEquals(44 / 1_000_000d, cost("writer", "ask"), 1e-15);
  }

  @Test
  void aCallThatOnlyFailsCountsNothing() {
    ModelTokenMeters tokens = ModelTokenMeters.on(registry).price("writer", 1.0, 1.0);
    FirebreakChatModel writer = FirebreakChatModel.of("writer", openAi(server, tokens));
    server.always(FaultyModelServer.Reply.error(500, Map.of()));

    assertThrows(TransientModelException.class, () -> writer.chat("hi"));
    WorkflowResult<Object> result = draftThenReview(writer).runForResult("w-4", "a poem");
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertTrue(registry.getMeters().isEmpty(), registry.getMeters().toString());
  }

  @Test
  void failoverCountsTheTokensOfTheModelThatAnswered() {
    ModelTokenMeters tokens =
        ModelTokenMeters.on(registry).price("primary", 1.0, 2.0).price("backup", 10.0, 20.0);
    server.always(FaultyModelServer.Reply.error(503, Map.of()));
    backupServer.always(FaultyModelServer.Reply.answer("from backup", 7, 3));
    FailoverChatModel models =
        FailoverChatModel.builder(runtime)
            .model("primary", openAi(server, tokens))
            .model("backup", openAi(backupServer, tokens))
            .breaker(
                name ->
                    CircuitBreakerPolicy.builder("llm-" + name)
                        .failureThreshold(5)
                        .openFor(Duration.ofMinutes(5))
                        .build())
            .build();
    BoundEntryPoint entry =
        Flow.of("failover", 1)
            .step(
                StepDescriptor.builder("answer").inputs(0),
                StepBinding.sync((s, ctx) -> models.forStep(ctx).chat((String) s[0])))
            .bind(runtime);

    WorkflowResult<Object> result = entry.runForResult("w-5", "hi");
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status(), result.toString());
    assertEquals(7, tokens("backup", "answer", "input"));
    assertEquals(3, tokens("backup", "answer", "output"));
    assertEquals((7 * 10.0 + 3 * 20.0) / 1_000_000d, cost("backup", "answer"), 1e-15);
    assertTrue(
        registry.find("firebreak.model.tokens").tag("model", "primary").counters().isEmpty(),
        "the failed primary counted nothing");
    assertNull(cost("primary", "answer"));
  }

  @Test
  void anAnswerRepromptRefusesWasPaidForAndCounts() {
    ModelTokenMeters tokens = ModelTokenMeters.on(registry);
    FirebreakChatModel triage = FirebreakChatModel.of("triage", openAi(server, tokens));
    server.then(FaultyModelServer.Reply.answer("Probably quite important", 10, 4));
    server.always(FaultyModelServer.Reply.answer("HIGH", 12, 1));
    Reprompt reprompt = new Reprompt();
    BoundEntryPoint entry =
        Flow.of("triage", 1)
            .step(
                StepDescriptor.builder("triage")
                    .inputs(0)
                    .retry(
                        RetryPolicy.builder()
                            .maxAttempts(2)
                            .delay(Duration.ZERO)
                            .jitter(0)
                            .retryOn(InvalidModelOutputException.class)
                            .build()),
                StepBinding.sync(
                    (s, ctx) ->
                        reprompt.read(
                            ctx,
                            triage
                                .forStep(ctx)
                                .chat(
                                    reprompt.messages(
                                        ctx,
                                        List.of(UserMessage.from("Priority of " + s[0] + "?")))),
                            RepromptTest::priority)))
            .bind(runtime);

    WorkflowResult<Object> result = entry.runForResult("w-8", "a fire");
    assertEquals("HIGH", result.output(), result.toString());
    assertEquals(22, tokens("triage", "triage", "input"));
    assertEquals(5, tokens("triage", "triage", "output"));
  }

  @Test
  void outsideAStepTheStepAndWorkflowAreNone() {
    ModelTokenMeters tokens = ModelTokenMeters.on(registry);
    ChatModel raw = openAi(server, tokens);
    FirebreakChatModel writer = FirebreakChatModel.of("writer", raw);
    server.always(FaultyModelServer.Reply.answer("hello", 3, 2));

    assertEquals("hello", writer.chat("hi"));
    assertEquals("hello", raw.chat("hi"));

    Counter wrapped =
        registry
            .find("firebreak.model.tokens")
            .tags("model", "writer", "workflow", "none", "step", "none", "kind", "input")
            .counter();
    assertEquals(3, wrapped.count());
    Counter unwrapped =
        registry
            .find("firebreak.model.tokens")
            .tags("model", "none", "workflow", "none", "step", "none", "kind", "output")
            .counter();
    assertEquals(2, unwrapped.count(), "a model called without its Firebreak wrapper");
  }

  @Test
  void aListenerThatFailsDoesNotBreakTheCall() {
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("this registry refuses every meter");
              }
            });
    ModelTokenMeters tokens = ModelTokenMeters.on(registry).price("writer", 1.0, 1.0);
    FirebreakChatModel writer = FirebreakChatModel.of("writer", openAi(server, tokens));
    server.always(FaultyModelServer.Reply.answer("still here", 3, 2));

    WorkflowResult<Object> result = draftThenReview(writer).runForResult("w-6", "a poem");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
    assertEquals("still here", result.output());
    // The listener itself throws nothing, not only LangChain4j's guard around listeners.
    assertDoesNotThrow(
        () ->
            tokens.onResponse(
                new ChatModelResponseContext(
                    ChatResponse.builder()
                        .aiMessage(AiMessage.from("x"))
                        .tokenUsage(new TokenUsage(1, 1))
                        .build(),
                    ChatRequest.builder().messages(UserMessage.from("hi")).build(),
                    ModelProvider.OTHER,
                    new java.util.HashMap<>())));
    assertTrue(registry.getMeters().isEmpty());
  }

  @Test
  void pricesAreCheckedAndPrometheusNamesTheSeries() {
    assertThrows(
        IllegalArgumentException.class, () -> ModelTokenMeters.on(registry).price("m", -1, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ModelTokenMeters.on(registry).price("m", 0, Double.NaN));

    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FirebreakChatModel writer =
        FirebreakChatModel.of(
            "writer", openAi(server, ModelTokenMeters.on(prometheus).price("writer", 1.0, 1.0)));
    server.always(FaultyModelServer.Reply.answer("text", 3, 2));
    draftThenReview(writer).runForResult("w-7", "a poem");

    String scrape = prometheus.scrape();
    assertTrue(
        scrape.contains(
            "firebreak_model_tokens_total{kind=\"input\",model=\"writer\",step=\"draft\","
                + "workflow=\"Flow\"} 3.0"),
        scrape);
    assertTrue(
        scrape.contains(
            "firebreak_model_cost_usd_total{model=\"writer\",step=\"review\",workflow=\"Flow\"}"),
        scrape);
  }
}
