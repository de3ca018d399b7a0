package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.ManualScheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How runs move through a graph: ordering, threads, parallelism, results, admission, attach. */
class ExecutionTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private FirebreakRuntime direct() {
    return FirebreakRuntime.builder()
        .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
        .executor(Runnable::run)
        .scheduler(clock)
        .build();
  }

  @Test
  void linearChainRunsInOrderOnTheCallersThreadWithoutHandOff() {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Thread caller = Thread.currentThread();
    AtomicInteger otherThreads = new AtomicInteger();
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
            .executor(pool)
            .scheduler(clock)
            .build();
    Flow flow = Flow.of("chain", 1);
    for (String name : List.of("a", "b", "c", "d")) {
      int slot = name.equals("a") ? 0 : flow.plan().slotCount() - 1;
      flow.step(
          StepDescriptor.builder(name).inputs(slot),
          sync(
              (s, ctx) -> {
                if (Thread.currentThread() != caller) {
                  otherThreads.incrementAndGet();
                }
                seen.add(ctx.stepName());
                return s[slot] + name;
              }));
    }
    String out = flow.bind(runtime).run(null, ">");
    assertEquals(">abcd", out);
    assertEquals(List.of("a", "b", "c", "d"), seen);
    assertEquals(0, otherThreads.get(), "a linear chain must not hop threads");
  }

  @Test
  void independentBranchesRunConcurrently() throws Exception {
    CyclicBarrier both = new CyclicBarrier(2);
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
            .executor(pool)
            .build();
    BoundEntryPoint entry =
        Flow.of("fork", 1)
            .step(
                StepDescriptor.builder("left").inputs(0),
                sync(
                    (s, ctx) -> {
                      both.await(
                          10,
                          TimeUnit
                              .SECONDS); // only returns if the other branch runs at the same time
                      return "L";
                    }))
            .step(
                StepDescriptor.builder("right").inputs(0),
                sync(
                    (s, ctx) -> {
                      both.await(10, TimeUnit.SECONDS);
                      return "R";
                    }))
            .step(StepDescriptor.builder("join").inputs(1, 2), sync((s, ctx) -> s[1] + "+" + s[2]))
            .bind(runtime);
    WorkflowResult<String> result = entry.runForResult(null, "x");
    assertEquals(WorkflowStatus.COMPLETED, result.status(), String.valueOf(result.failure()));
    assertEquals("L+R", result.output());
    runtime.close();
  }

  @Test
  void aStepWaitsForItsAfterEdgeAndEveryInput() {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    BoundEntryPoint entry =
        Flow.of("after", 1)
            .step(
                StepDescriptor.builder("audit").inputs(0),
                sync(
                    (s, ctx) -> {
                      order.add("audit");
                      return 1;
                    }))
            .step(
                StepDescriptor.builder("post").inputs(0).after(0),
                sync(
                    (s, ctx) -> {
                      order.add("post");
                      return 2;
                    }))
            .bind(direct());
    assertEquals(2, (int) entry.run(null, "in"));
    assertEquals(List.of("audit", "post"), order);
  }

  @Test
  void resultCarriesRunIdAttemptsAndStatus() {
    BoundEntryPoint entry =
        Flow.of("one", 1)
            .step(StepDescriptor.builder("a").inputs(0), sync((s, ctx) -> ctx.runId()))
            .bind(direct());
    WorkflowResult<String> result = entry.runForResult("invoice-42", "in");
    assertEquals("invoice-42", result.runId());
    assertEquals("invoice-42", result.output(), "the step saw the caller's run id");
    assertEquals(WorkflowStatus.COMPLETED, result.status());
    assertEquals(java.util.Map.of("a", 1), result.attempts());
    assertTrue(result.degradedSteps().isEmpty());
    assertNull(result.failure());
  }

  @Test
  void freshRunIdsAreUniqueTimeOrderedUuids() {
    BoundEntryPoint entry =
        Flow.of("ids", 1)
            .step(StepDescriptor.builder("a").inputs(0), sync((s, ctx) -> ctx.runId()))
            .bind(direct());
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      long before = System.currentTimeMillis();
      String id = entry.run(null, "in");
      long after = System.currentTimeMillis();
      java.util.UUID uuid = java.util.UUID.fromString(id);
      assertEquals(7, uuid.version());
      assertEquals(2, uuid.variant());
      long millis = uuid.getMostSignificantBits() >>> 16;
      assertTrue(
          millis >= before && millis <= after,
          id + " carries " + millis + ", made between " + before + " and " + after);
      ids.add(id);
    }
    assertEquals(1000, ids.size());
  }

  @Test
  void plainEntryPointThrowsWorkflowFailedExceptionWithTheFacts() {
    BoundEntryPoint entry =
        Flow.of("fails", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                sync(
                    (s, ctx) -> {
                      throw new IllegalStateException("boom");
                    }))
            .bind(direct());
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> entry.run("r1", "in"));
    assertEquals("r1", e.runId());
    assertEquals(WorkflowStatus.FAILED, e.status());
    assertEquals("a", e.failedStep());
    assertEquals("boom", e.getCause().getMessage());
    assertTrue(e.getMessage().contains("step 'a' failed after 1 attempt"), e.getMessage());
  }

  @Test
  void asyncEntryPointFailsItsStageInsteadOfThrowing() {
    BoundEntryPoint entry =
        Flow.of("fails", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                sync(
                    (s, ctx) -> {
                      throw new IllegalStateException("boom");
                    }))
            .bind(direct());
    CompletionStage<Object> stage = entry.runAsync(null, "in");
    CompletionException e =
        assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
    assertInstanceOf(WorkflowFailedException.class, e.getCause());
  }

  @Test
  void wrongInputsAreRejectedClearly() {
    BoundEntryPoint entry =
        Flow.of("inputs", 1)
            .step(StepDescriptor.builder("a").inputs(0), sync((s, ctx) -> 1))
            .bind(direct());
    IllegalArgumentException count =
        assertThrows(IllegalArgumentException.class, () -> entry.run(null));
    assertTrue(count.getMessage().contains("takes 1 inputs, got 0"), count.getMessage());
    NullPointerException nul =
        assertThrows(NullPointerException.class, () -> entry.run(null, (Object) null));
    assertTrue(nul.getMessage().contains("input 0"), nul.getMessage());
  }

  @Test
  void admissionIsBoundedAndReleasedWhenRunsEnd() {
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
            .executor(Runnable::run)
            .scheduler(clock)
            .maxInFlightRuns(2)
            .build();
    List<CompletableFuture<String>> pending = Collections.synchronizedList(new ArrayList<>());
    BoundEntryPoint entry =
        Flow.of("slow", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                async(
                    (s, ctx) -> {
                      CompletableFuture<String> f = new CompletableFuture<>();
                      pending.add(f);
                      return f;
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> first = entry.runAsyncForResult(null, "1");
    entry.runAsyncForResult(null, "2");
    assertEquals(2, runtime.inFlightRuns());
    OverloadedException sync = assertThrows(OverloadedException.class, () -> entry.run(null, "3"));
    assertEquals(2, sync.maxInFlightRuns());
    CompletionStage<WorkflowResult<Object>> rejected = entry.runAsyncForResult(null, "4");
    CompletionException async =
        assertThrows(CompletionException.class, () -> rejected.toCompletableFuture().join());
    assertInstanceOf(OverloadedException.class, async.getCause());
    assertEquals(2, pending.size(), "rejected runs never reached an agent");
    pending.forEach(f -> f.complete("done"));
    assertEquals("done", first.toCompletableFuture().join().output());
    assertEquals(0, runtime.inFlightRuns());
    entry.runAsyncForResult(null, "5");
    assertEquals(3, pending.size(), "a slot freed by a finished run admits the next one");
  }

  @Test
  void aTenfoldBurstIsAdmittedUpToTheLimitAndTheAdmittedRunsComplete() {
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
            .executor(pool)
            .scheduler(clock)
            .maxInFlightRuns(100)
            .build();
    List<CompletableFuture<String>> held = Collections.synchronizedList(new ArrayList<>());
    BoundEntryPoint entry =
        Flow.of("burst", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                async(
                    (s, ctx) -> {
                      CompletableFuture<String> f = new CompletableFuture<>();
                      held.add(f);
                      return f;
                    }))
            .bind(runtime);
    List<CompletableFuture<WorkflowResult<String>>> runs = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      runs.add(entry.<String>runAsyncForResult(null, i).toCompletableFuture());
    }
    long rejected = runs.stream().filter(f -> f.isCompletedExceptionally()).count();
    assertEquals(900, rejected, "past the limit runs are refused at once");
    assertEquals(100, runtime.inFlightRuns());
    while (held.size() < 100) {
      Thread.onSpinWait(); // the admitted runs' first steps are handed to the pool
    }
    held.forEach(f -> f.complete("done"));
    long completed =
        runs.stream()
            .filter(f -> !f.isCompletedExceptionally())
            .map(CompletableFuture::join)
            .filter(r -> r.status() == WorkflowStatus.COMPLETED)
            .count();
    assertEquals(100, completed);
    assertEquals(0, runtime.inFlightRuns());
  }

  @Test
  void aSecondCallWithTheSameRunIdAttachesInsteadOfRunningAgain() {
    AtomicInteger calls = new AtomicInteger();
    CompletableFuture<String> agent = new CompletableFuture<>();
    BoundEntryPoint entry =
        Flow.of("attach", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                async(
                    (s, ctx) -> {
                      calls.incrementAndGet();
                      return agent;
                    }))
            .bind(direct());
    CompletionStage<WorkflowResult<String>> first = entry.runAsyncForResult("msg-1", "in");
    CompletionStage<WorkflowResult<String>> redelivered = entry.runAsyncForResult("msg-1", "in");
    agent.complete("out");
    assertEquals("out", first.toCompletableFuture().join().output());
    assertEquals("out", redelivered.toCompletableFuture().join().output());
    assertEquals(1, calls.get());
  }

  @Test
  void aFinishedRunIsReturnedFromItsCheckpointNotRunTwice() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("once", 1)
            .step(
                StepDescriptor.builder("a")
                    .inputs(0)
                    .checkpointed(dev.firebreak.runtime.codec.Codecs.STRING),
                sync((s, ctx) -> "out-" + calls.incrementAndGet()))
            .bind(direct());
    assertEquals("out-1", entry.run("invoice-7", "in"));
    assertEquals("out-1", entry.run("invoice-7", "in"));
    assertEquals(1, calls.get());
  }

  @Test
  void aFinishedRunWhoseOutputWasNotCheckpointedIsRefusedNotRerun() {
    AtomicInteger calls = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("once", 1)
            .step(
                StepDescriptor.builder("a").inputs(0),
                sync((s, ctx) -> "out-" + calls.incrementAndGet()))
            .bind(direct());
    entry.run("invoice-8", "in");
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> entry.run("invoice-8", "in"));
    assertTrue(e.getMessage().contains("not @Checkpointed"), e.getMessage());
    assertEquals(1, calls.get());
  }

  @Test
  void anInterruptedRunResumesFromItsCheckpoints() {
    InMemoryStoreFixture fixture = new InMemoryStoreFixture();
    AtomicInteger extracts = new AtomicInteger();
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(clock)
            .checkpointStore(fixture.store)
            .build();
    Flow flow =
        Flow.of("resume", 1)
            .step(
                StepDescriptor.builder("extract")
                    .inputs(0)
                    .checkpointed(dev.firebreak.runtime.codec.Codecs.STRING),
                sync((s, ctx) -> "fresh-" + extracts.incrementAndGet()))
            .step(StepDescriptor.builder("post").inputs(1), sync((s, ctx) -> s[1] + "!"));
    // A previous process checkpointed "extract" and died before "post".
    fixture.store.open("run-1", "test.Flow", "resume", "hash-resume", null);
    fixture.store.saveStep(
        "run-1",
        "extract",
        dev.firebreak.runtime.codec.Codecs.encode(
            dev.firebreak.runtime.codec.Codecs.STRING, "saved"),
        2);
    WorkflowResult<String> result = flow.bind(runtime).runForResult("run-1", "in");
    assertEquals("saved!", result.output());
    assertEquals(0, extracts.get(), "a checkpointed step never runs again");
    assertEquals(2, result.attempts().get("extract"));
    assertEquals(WorkflowStatus.COMPLETED, fixture.store.find("run-1").orElseThrow().status());
  }

  @Test
  void aCorruptCheckpointDeadLettersTheRunWithItsReason() {
    InMemoryStoreFixture fixture = new InMemoryStoreFixture();
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(clock)
            .checkpointStore(fixture.store)
            .build();
    BoundEntryPoint entry =
        Flow.of("corrupt", 1)
            .step(
                StepDescriptor.builder("extract")
                    .inputs(0)
                    .checkpointed(dev.firebreak.runtime.codec.Codecs.STRING),
                sync((s, ctx) -> "fresh"))
            .bind(runtime);
    fixture.store.open("run-2", "test.Flow", "corrupt", "hash-corrupt", null);
    fixture.store.saveStep("run-2", "extract", new byte[] {1, 2, 3, 4, '"', 'x', '"'}, 1);
    WorkflowResult<String> result = entry.runForResult("run-2", "in");
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertInstanceOf(CorruptCheckpointException.class, result.failure());
    assertEquals(DeadLetterReason.CORRUPT_CHECKPOINT, runtime.deadLetters().list().get(0).reason());
  }

  @Test
  void resumingUnderAnotherGraphIsRefused() {
    InMemoryStoreFixture fixture = new InMemoryStoreFixture();
    FirebreakRuntime runtime =
        FirebreakRuntime.builder().executor(Runnable::run).checkpointStore(fixture.store).build();
    BoundEntryPoint entry =
        Flow.of("graph", 1)
            .step(StepDescriptor.builder("a").inputs(0), sync((s, ctx) -> 1))
            .bind(runtime);
    fixture.store.open("run-3", "test.Flow", "graph", "an-older-hash", null);
    GraphMismatchException e =
        assertThrows(GraphMismatchException.class, () -> entry.run("run-3", "in"));
    assertEquals("an-older-hash", e.storedHash());
    assertEquals("hash-graph", e.currentHash());
    assertEquals(0, runtime.inFlightRuns());
  }

  @Test
  void optingInResumesAcrossAGraphChangeByStepName() {
    InMemoryStoreFixture fixture = new InMemoryStoreFixture();
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .checkpointStore(fixture.store)
            .resumeAcrossGraphChanges(true)
            .build();
    AtomicInteger extracts = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("graph", 1)
            .step(
                StepDescriptor.builder("extract")
                    .inputs(0)
                    .checkpointed(dev.firebreak.runtime.codec.Codecs.STRING),
                sync((s, ctx) -> "fresh-" + extracts.incrementAndGet()))
            .step(StepDescriptor.builder("newStep").inputs(1), sync((s, ctx) -> s[1] + "+new"))
            .bind(runtime);
    fixture.store.open("run-4", "test.Flow", "graph", "an-older-hash", null);
    fixture.store.saveStep(
        "run-4",
        "extract",
        dev.firebreak.runtime.codec.Codecs.encode(
            dev.firebreak.runtime.codec.Codecs.STRING, "kept"),
        1);
    assertEquals("kept+new", entry.run("run-4", "in"));
    assertEquals(0, extracts.get());
  }

  @Test
  void anEntryPointWhoseOutputIsAnInputStillRunsItsSteps() {
    AtomicInteger audits = new AtomicInteger();
    BoundEntryPoint entry =
        Flow.of("passthrough", 1)
            .step(
                StepDescriptor.builder("audit").inputs(0),
                sync((s, ctx) -> audits.incrementAndGet()))
            .output(0)
            .bind(direct());
    assertSame("same", entry.run(null, "same"));
    assertEquals(1, audits.get());
  }

  @Test
  void listenerExceptionsDoNotBreakRuns() {
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
            .executor(Runnable::run)
            .listener(
                e -> {
                  throw new IllegalStateException("bad listener");
                })
            .build();
    BoundEntryPoint entry =
        Flow.of("listener", 1)
            .step(StepDescriptor.builder("a").inputs(0), sync((s, ctx) -> 7))
            .bind(runtime);
    assertEquals(7, (int) entry.run(null, "in"));
    assertFalse(runtime.deadLetters().size() > 0);
  }

  /** A store the test can seed as if an earlier process had written it. */
  private static final class InMemoryStoreFixture {
    final dev.firebreak.runtime.store.InMemoryCheckpointStore store =
        new dev.firebreak.runtime.store.InMemoryCheckpointStore();
  }
}
