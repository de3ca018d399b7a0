package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.scope.AgenticScope;
import dev.langchain4j.agentic.scope.AgenticScopeAccess;
import dev.langchain4j.agentic.scope.AgenticScopeKey;
import dev.langchain4j.agentic.scope.AgenticScopePersister;
import dev.langchain4j.agentic.scope.DefaultAgenticScope;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agentic system with a memory id keeps its scope in a SQLite file through {@link
 * FirebreakAgenticScopeStore}; a store opened on the file again, as after a restart, has it.
 */
class FirebreakAgenticScopeStoreTest {
  public interface Writer {
    @UserMessage("Write a one-line story about {{topic}}")
    @Agent(description = "Writes a story", outputKey = "story")
    String write(@V("topic") String topic);
  }

  public interface Editor {
    @UserMessage("Make this story funnier: {{story}}")
    @Agent(description = "Edits a story", outputKey = "story")
    String edit(@V("story") String story);
  }

  public interface StoryTeller extends AgenticScopeAccess {
    @Agent(description = "Writes and edits a story", outputKey = "story")
    String tell(@MemoryId String user, @V("topic") String topic);
  }

  @TempDir Path dir;
  private FaultyModelServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FaultyModelServer();
  }

  @AfterEach
  void stop() {
    AgenticScopePersister.setStore(null);
    server.close();
  }

  private ChatModel model() {
    return FirebreakChatModel.of(
        "writer",
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl())
            .apiKey("test")
            .modelName("m")
            .maxRetries(0)
            .httpClientBuilder(new FirebreakHttpClientBuilder())
            .build());
  }

  private StoryTeller storyTeller() {
    ChatModel model = model();
    Writer writer = AgenticServices.agentBuilder(Writer.class).chatModel(model).build();
    Editor editor = AgenticServices.agentBuilder(Editor.class).chatModel(model).build();
    return AgenticServices.sequenceBuilder(StoryTeller.class).subAgents(writer, editor).build();
  }

  /**
   * The agentic system as one step, as a workflow's {@code @Step} method would call it: {@code
   * AgenticStep.call(() -> storyTeller.tell(ctx.runId(), topic))} under {@code @Retry(maxAttempts =
   * 3, retryOn = TransientModelException.class)} and {@code @Timeout("20s")}. The step's retry and
   * timeout wrap the whole invocation; the run id is the memory id, so a retried attempt (or a
   * resumed run) works on the scope the earlier one wrote.
   */
  private static BoundEntryPoint storyFlow(
      FirebreakRuntime runtime, StoryTeller teller, boolean throughAgenticStep) {
    StepBinding tell =
        throughAgenticStep
            ? StepBinding.sync(
                (in, ctx) -> AgenticStep.call(() -> teller.tell(ctx.runId(), (String) in[0])))
            : StepBinding.sync((in, ctx) -> teller.tell(ctx.runId(), (String) in[0]));
    return Flow.of("story", 1)
        .step(
            StepDescriptor.builder("tell")
                .inputs(0)
                .retry(
                    RetryPolicy.builder()
                        .maxAttempts(3)
                        .delay(Duration.ZERO)
                        .jitter(0)
                        .retryOn(TransientModelException.class)
                        .build()),
            Duration.ofSeconds(20),
            tell)
        .bind(runtime);
  }

  private FirebreakRuntime runtimeOn(SqliteStore store) {
    return FirebreakRuntime.builder().checkpointStore(store).shutdownHook(false).build();
  }

  @Test
  void anAgenticSystemAsOneStepIsRetriedWholeAfterAModelsTransientFailureAndKeepsItsScope() {
    server.then(
        FaultyModelServer.Reply.error(503, java.util.Map.of()),
        FaultyModelServer.Reply.answer("A robot paints the sea."),
        FaultyModelServer.Reply.answer("A robot paints the sea, in stripes."));
    try (SqliteStore store = SqliteStore.open(dir.resolve("firebreak.db"));
        FirebreakRuntime runtime = runtimeOn(store)) {
      FirebreakAgenticScopeStore scopes = FirebreakAgenticScopeStore.install(runtime);
      BoundEntryPoint story = storyFlow(runtime, storyTeller(), true);

      WorkflowResult<Object> result = story.runForResult("story-1", "the sea");
      assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
      assertEquals("A robot paints the sea, in stripes.", result.output());
      assertEquals(2, result.attempts().get("tell"), "the 503 failed the first attempt");
      assertEquals(3, server.requests());
      AgenticScopeKey key = onlyKey(scopes);
      assertEquals("story-1", key.memoryId());
      DefaultAgenticScope scope = scopes.load(key).orElseThrow();
      assertEquals("the sea", scope.readState("topic"));
      assertEquals("A robot paints the sea, in stripes.", scope.readState("story"));
    }
  }

  @Test
  void aModelsPermanentFailureInsideTheAgenticSystemIsNotRetried() {
    server.always(FaultyModelServer.Reply.error(401, java.util.Map.of()));
    try (SqliteStore store = SqliteStore.open(dir.resolve("firebreak.db"));
        FirebreakRuntime runtime = runtimeOn(store)) {
      FirebreakAgenticScopeStore.install(runtime);
      BoundEntryPoint story = storyFlow(runtime, storyTeller(), true);

      WorkflowResult<Object> result = story.runForResult("story-2", "the sea");
      assertEquals(WorkflowStatus.FAILED, result.status(), result.toString());
      assertInstanceOf(PermanentModelException.class, result.failure());
      assertEquals(1, result.attempts().get("tell"));
      assertEquals(1, server.requests());
    }
  }

  /**
   * Why {@link AgenticStep}: LangChain4j wraps an agent's failure in its AgentInvocationException,
   * which the step's {@code retryOn} does not name, so the transient failure ends the run.
   */
  @Test
  void calledDirectlyTheWrappedTransientFailureIsNotRetried() {
    server.then(FaultyModelServer.Reply.error(503, java.util.Map.of()));
    try (SqliteStore store = SqliteStore.open(dir.resolve("firebreak.db"));
        FirebreakRuntime runtime = runtimeOn(store)) {
      FirebreakAgenticScopeStore.install(runtime);
      BoundEntryPoint story = storyFlow(runtime, storyTeller(), false);

      WorkflowResult<Object> result = story.runForResult("story-3", "the sea");
      assertEquals(WorkflowStatus.FAILED, result.status(), result.toString());
      assertEquals(
          "dev.langchain4j.agentic.agent.AgentInvocationException",
          result.failure().getClass().getName());
      assertInstanceOf(
          TransientModelException.class,
          AgenticStep.modelFailure((RuntimeException) result.failure()));
      assertEquals(1, server.requests());
    }
  }

  private static AgenticScopeKey onlyKey(FirebreakAgenticScopeStore scopes) {
    Set<AgenticScopeKey> keys = scopes.getAllKeys();
    assertEquals(1, keys.size(), keys.toString());
    return keys.iterator().next();
  }

  @Test
  void aScopeWithAMemoryIdOutlivesItsStoreAndIsDeletedByEviction() {
    Path file = dir.resolve("firebreak.db");
    server.then(
        FaultyModelServer.Reply.answer("A dragon learns to knit."),
        FaultyModelServer.Reply.answer("A dragon learns to knit, badly."));
    AgenticScopeKey key;
    try (SqliteStore store = SqliteStore.open(file)) {
      FirebreakAgenticScopeStore scopes = FirebreakAgenticScopeStore.install(store);
      StoryTeller teller = storyTeller();
      assertEquals("A dragon learns to knit, badly.", teller.tell("user-1", "dragons"));
      key = onlyKey(scopes);
      assertEquals("user-1", key.memoryId());
    }
    assertEquals(2, server.requests());

    try (SqliteStore reopened = SqliteStore.open(file)) {
      FirebreakAgenticScopeStore scopes = new FirebreakAgenticScopeStore(reopened);
      DefaultAgenticScope loaded = scopes.load(key).orElseThrow();
      assertEquals("user-1", loaded.memoryId());
      assertEquals("dragons", loaded.readState("topic"));
      assertEquals("A dragon learns to knit, badly.", loaded.readState("story"));

      // The agentic system itself, built again on the reopened file, reads its scope back.
      FirebreakAgenticScopeStore.install(reopened);
      StoryTeller teller = storyTeller();
      AgenticScope scope = teller.getAgenticScope("user-1");
      assertNotNull(scope, "the scope after the restart");
      assertEquals("A dragon learns to knit, badly.", scope.readState("story"));
      assertTrue(teller.evictAgenticScope("user-1"));
      assertEquals(Set.of(), scopes.getAllKeys());
      assertFalse(scopes.delete(key));
      assertTrue(scopes.load(key).isEmpty());
    }
    assertEquals(2, server.requests(), "reading the scope back calls no model");
  }
}
