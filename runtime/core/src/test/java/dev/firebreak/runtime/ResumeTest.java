package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run interrupted in one runtime (the process that "crashed") resumed by another on the same
 * SQLite file: its inputs come from the store, its checkpointed steps are not run again.
 */
class ResumeTest {
  @TempDir Path dir;

  private final AtomicInteger extracts = new AtomicInteger();
  private final List<String> posted = Collections.synchronizedList(new ArrayList<>());

  /** extract (checkpointed) → post; post hangs in the first runtime and works in the second. */
  private Flow flow(boolean postHangs) {
    return Flow.of("invoice", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
            sync((s, ctx) -> "extracted " + s[0] + " #" + extracts.incrementAndGet()))
        .step(
            StepDescriptor.builder("post").inputs(1),
            async(
                (s, ctx) -> {
                  if (postHangs) {
                    return new CompletableFuture<>();
                  }
                  posted.add((String) s[1]);
                  return CompletableFuture.completedFuture("posted " + s[1]);
                }));
  }

  /**
   * The process of {@code runtime} dies here: nothing more is written by it, and the lock its node
   * held beside the file is gone (as the OS drops it on kill -9), so its runs are taken over at
   * once.
   */
  private static void crash(FirebreakRuntime runtime) {
    runtime.checkpointStore().close();
  }

  private FirebreakRuntime runtime(Path db) {
    return FirebreakRuntime.builder()
        .executor(Runnable::run)
        .checkpointStore(SqliteStore.open(db))
        .build();
  }

  @Test
  void resumeAllContinuesInterruptedRunsFromTheirCheckpoints() {
    Path db = dir.resolve("firebreak.db");
    FirebreakRuntime crashed = runtime(db);
    flow(true).bind(crashed).runAsyncForResult("INV-1", "scan-1");
    flow(true).bind(crashed).runAsyncForResult("INV-2", "scan-2");
    assertEquals(2, extracts.get());
    crash(crashed);

    FirebreakRuntime restarted = runtime(db);
    flow(false).bind(restarted);
    List<CompletableFuture<WorkflowResult<Object>>> resumed = restarted.resumeAll();
    assertEquals(2, resumed.size());
    List<Object> outputs = new ArrayList<>();
    for (CompletableFuture<WorkflowResult<Object>> f : resumed) {
      WorkflowResult<Object> r = f.join();
      assertEquals(WorkflowStatus.COMPLETED, r.status());
      outputs.add(r.output());
    }
    assertEquals(List.of("posted extracted scan-1 #1", "posted extracted scan-2 #2"), outputs);
    assertEquals(2, extracts.get(), "checkpointed steps are not run again");
    assertTrue(restarted.checkpointStore().unfinished().isEmpty());
    assertTrue(restarted.resumeAll().isEmpty(), "nothing left to resume");
  }

  @Test
  void resumeOfOneRunAndOfAFinishedRun() {
    Path db = dir.resolve("one.db");
    FirebreakRuntime crashed = runtime(db);
    flow(true).bind(crashed).runAsyncForResult("INV-3", "scan-3");
    crash(crashed);
    FirebreakRuntime restarted = runtime(db);
    flow(false).bind(restarted);
    assertEquals(
        "posted extracted scan-3 #1",
        restarted.resume("INV-3").toCompletableFuture().join().output());
    assertEquals(List.of("extracted scan-3 #1"), posted);
    WorkflowResult<Object> again = restarted.resume("INV-3").toCompletableFuture().join();
    assertEquals(WorkflowStatus.COMPLETED, again.status(), "a finished run is returned, not rerun");
    assertEquals(1, posted.size());
    assertThrows(NoSuchElementException.class, () -> restarted.resume("never-started"));
  }

  @Test
  void attemptCountsSurviveACrash() {
    Path db = dir.resolve("attempts.db");
    dev.firebreak.runtime.time.ManualScheduler before =
        new dev.firebreak.runtime.time.ManualScheduler();
    AtomicInteger calls = new AtomicInteger();
    dev.firebreak.runtime.graph.RetryPolicy five =
        new dev.firebreak.runtime.graph.RetryPolicy(
            5,
            java.time.Duration.ofSeconds(1),
            1.0,
            java.time.Duration.ofSeconds(1),
            0,
            List.of(Exception.class),
            List.of(),
            null);
    java.util.function.Supplier<Flow> flow =
        () ->
            Flow.of("flaky", 1)
                .inputCodecs(Codecs.STRING)
                .step(
                    StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
                    sync((s, ctx) -> "e"))
                .step(
                    StepDescriptor.builder("call").inputs(1).retry(five),
                    sync(
                        (s, ctx) -> {
                          calls.incrementAndGet();
                          throw new java.io.IOException("down");
                        }));
    FirebreakRuntime crashed =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(before)
            .checkpointStore(SqliteStore.open(db))
            .build();
    flow.get().bind(crashed).runAsyncForResult("R", "in");
    before.advance(java.time.Duration.ofMillis(2500));
    assertEquals(
        3, calls.get(), "attempts at 0, 1 and 2 s; the process dies during the wait for the 4th");
    crash(crashed);

    dev.firebreak.runtime.time.ManualScheduler after =
        new dev.firebreak.runtime.time.ManualScheduler();
    FirebreakRuntime restarted =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(after)
            .checkpointStore(SqliteStore.open(db))
            .build();
    flow.get().bind(restarted);
    CompletableFuture<WorkflowResult<Object>> resumed = restarted.resume("R").toCompletableFuture();
    after.advance(java.time.Duration.ofMinutes(1));
    WorkflowResult<Object> result = resumed.join();
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(5, calls.get(), "2 more attempts after the restart, 5 in all");
    assertEquals(5, result.attempts().get("call"));
  }

  @Test
  void finishedRunsArePurgedAfterTheRetention() {
    dev.firebreak.runtime.time.ManualScheduler clock =
        new dev.firebreak.runtime.time.ManualScheduler();
    dev.firebreak.runtime.store.InMemoryCheckpointStore store =
        new dev.firebreak.runtime.store.InMemoryCheckpointStore(clock::now);
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .executor(Runnable::run)
            .scheduler(clock)
            .checkpointStore(store)
            .retention(java.time.Duration.ofHours(1))
            .build();
    flow(false).bind(runtime).runForResult("old", "x");
    clock.advance(java.time.Duration.ofMinutes(59));
    assertTrue(store.find("old").isPresent());
    clock.advance(java.time.Duration.ofMinutes(2));
    assertTrue(store.find("old").isEmpty(), "purged once an hour had passed");
  }

  @Test
  void aDeadLetteredRunIsReplayedFromItsCheckpointsOnceItsCauseIsFixed() {
    java.util.concurrent.atomic.AtomicBoolean ledgerDown =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    List<String> reversed = new ArrayList<>();
    FirebreakRuntime runtime = runtime(dir.resolve("replay.db"));
    dev.firebreak.runtime.generated.BoundEntryPoint entry =
        Flow.of("replay", 1)
            .inputCodecs(Codecs.STRING)
            .outputCodec(Codecs.STRING)
            .step(
                StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> "extracted #" + extracts.incrementAndGet()))
            .step(
                StepDescriptor.builder("reserve").inputs(1).checkpointed(Codecs.STRING),
                sync((s, ctx) -> "reserved").compensation((out, s, ctx) -> reversed.add("reserve")))
            .step(
                StepDescriptor.builder("post").inputs(2),
                sync(
                    (s, ctx) -> {
                      if (ledgerDown.get()) {
                        throw new java.io.IOException("ledger down");
                      }
                      return "posted after " + s[1];
                    }))
            .bind(runtime);
    WorkflowResult<Object> failed = entry.runForResult("INV-9", "scan");
    assertEquals(WorkflowStatus.FAILED, failed.status());
    assertEquals(List.of("reserve"), reversed);
    assertEquals(1, runtime.deadLetters().size());

    ledgerDown.set(false);
    WorkflowResult<Object> replayed = runtime.replay("INV-9").toCompletableFuture().join();
    assertEquals(WorkflowStatus.COMPLETED, replayed.status());
    assertEquals("posted after extracted #1", replayed.output());
    assertEquals(1, extracts.get(), "the checkpointed step that was not undone is not run again");
    assertEquals(0, runtime.deadLetters().size(), "the dead letter is gone");
    IllegalStateException twice =
        assertThrows(IllegalStateException.class, () -> runtime.replay("INV-9"));
    assertTrue(twice.getMessage().contains("COMPLETED"), twice.getMessage());
  }

  @Test
  void aRunOfAWorkflowNotBoundHereIsLeftAlone() {
    Path db = dir.resolve("other.db");
    FirebreakRuntime crashed = runtime(db);
    flow(true).bind(crashed).runAsyncForResult("INV-4", "scan-4");
    FirebreakRuntime other = runtime(db);
    assertTrue(other.resumeAll().isEmpty());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> other.resume("INV-4"));
    assertTrue(e.getMessage().contains("not bound on this runtime"), e.getMessage());
  }
}
