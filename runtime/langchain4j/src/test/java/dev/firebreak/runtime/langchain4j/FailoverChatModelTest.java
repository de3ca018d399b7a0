package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.CircuitOpenException;
import dev.firebreak.runtime.DegradedStep;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A primary and a backup model, each a real OpenAI client on its own fault-injecting server, each
 * behind the runtime's breaker named for it.
 */
class FailoverChatModelTest {
  private FaultyModelServer primary;
  private FaultyModelServer backup;
  private FirebreakRuntime runtime;

  @BeforeEach
  void start() throws Exception {
    primary = new FaultyModelServer().always(FaultyModelServer.Reply.answer("from primary"));
    backup = new FaultyModelServer().always(FaultyModelServer.Reply.answer("from backup"));
    runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .shutdownHook(false)
            .build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    primary.close();
    backup.close();
  }

  private static ChatModel openAi(FaultyModelServer server) {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test")
        .modelName("m")
        .maxRetries(0)
        .httpClientBuilder(new FirebreakHttpClientBuilder())
        .build();
  }

  private BoundEntryPoint workflow(FailoverChatModel models) {
    return Flow.of("failover", 1)
        .step(
            StepDescriptor.builder("answer").inputs(0),
            StepBinding.sync((s, ctx) -> models.forStep(ctx).chat((String) s[0])))
        .bind(runtime);
  }

  private FailoverChatModel models(int primaryThreshold) {
    return FailoverChatModel.builder(runtime)
        .model("primary", openAi(primary))
        .model("backup", openAi(backup))
        .breaker(
            name ->
                CircuitBreakerPolicy.builder("llm-" + name)
                    .failureThreshold(name.equals("primary") ? primaryThreshold : 5)
                    .openFor(Duration.ofMinutes(5))
                    .build())
        .build();
  }

  @Test
  void thePrimaryAnswersWhileItCanAndTheRunIsNotDegraded() {
    WorkflowResult<Object> result = workflow(models(2)).runForResult("ok", "hi");
    assertEquals(WorkflowStatus.COMPLETED, result.status());
    assertEquals("from primary", result.output());
    assertEquals(0, backup.requests());
  }

  @Test
  void aBackupsAnswerDegradesTheRunNamingTheModelAndAnOpenPrimaryIsSkipped() {
    primary.always(FaultyModelServer.Reply.error(503, Map.of()));
    BoundEntryPoint entry = workflow(models(2));

    WorkflowResult<Object> first = entry.runForResult("degraded-1", "hi");
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, first.status(), first.toString());
    assertEquals("from backup", first.output());
    DegradedStep degraded = first.degradedSteps().get(0);
    assertEquals("answer", degraded.step());
    assertInstanceOf(TransientModelException.class, degraded.cause());
    assertEquals(
        "answered by backup model backup",
        runtime.runs().find("degraded-1").orElseThrow().degradations().get(0).detail());

    entry.runForResult("degraded-2", "hi"); // the primary's second failure opens its breaker
    assertEquals(
        CircuitBreakerState.OPEN, runtime.circuitBreakerState("llm-primary").orElseThrow());
    WorkflowResult<Object> third = entry.runForResult("degraded-3", "hi");
    assertEquals("from backup", third.output());
    assertInstanceOf(CircuitOpenException.class, third.degradedSteps().get(0).cause());
    assertEquals(2, primary.requests(), "the open primary was not called again");
    assertEquals(3, backup.requests());
  }

  @Test
  void whenEveryModelFailsTheStepFailsWithThePrimarysFailureAndTheOthersSuppressed() {
    primary.always(FaultyModelServer.Reply.error(500, Map.of()));
    backup.always(FaultyModelServer.Reply.error(401, Map.of()));
    WorkflowResult<Object> result = workflow(models(5)).runForResult("down", "hi");
    assertEquals(WorkflowStatus.FAILED, result.status());
    TransientModelException failure =
        assertInstanceOf(TransientModelException.class, result.failure());
    assertInstanceOf(PermanentModelException.class, failure.getSuppressed()[0]);
    assertTrue(failure.getMessage().contains("primary"), failure.getMessage());
  }
}
