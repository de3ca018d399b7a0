package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How many durable writes a run makes, and on which thread its first one happens. */
class DurableWritesTest {
  @TempDir Path dir;

  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A durable store that logs each write it is asked for, and can hold or refuse the opens. */
  private static final class RecordingStore implements CheckpointStore {
    final CheckpointStore store;
    final List<String> writes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch openGate = new CountDownLatch(1);
    volatile boolean holdOpens;
    volatile RuntimeException refuseOpens;

    RecordingStore(CheckpointStore store) {
      this.store = store;
    }

    @Override
    public RunRecord open(
        String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
      if (holdOpens) {
        try {
          openGate.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      if (refuseOpens != null) {
        throw refuseOpens;
      }
      writes.add("open");
      return store.open(runId, workflow, entryPoint, graphHash, inputs);
    }

    @Override
    public void saveStep(String runId, String step, byte[] output, int attempts) {
      writes.add("step " + step);
      store.saveStep(runId, step, output, attempts);
    }

    @Override
    public void saveAttempt(String runId, String step, int attempts) {
      writes.add("attempt " + step);
      store.saveAttempt(runId, step, attempts);
    }

    @Override
    public dev.firebreak.runtime.RunRecord reopen(
        String runId,
        dev.firebreak.runtime.WorkflowStatus expected,
        java.util.Collection<String> resetSteps) {
      return store.reopen(runId, expected, resetSteps);
    }

    @Override
    public void resetSteps(String runId, java.util.Collection<String> steps) {
      store.resetSteps(runId, steps);
    }

    @Override
    public int purgeFinished(java.time.Instant before) {
      return store.purgeFinished(before);
    }

    @Override
    public void saveStatus(String runId, WorkflowStatus status) {
      writes.add("status " + status);
      store.saveStatus(runId, status);
    }

    @Override
    public void finish(String runId, WorkflowStatus status, byte[] output) {
      writes.add("end");
      store.finish(runId, status, output);
    }

    @Override
    public void finish(
        String runId,
        WorkflowStatus status,
        byte[] output,
        String step,
        byte[] stepOutput,
        int attempts) {
      writes.add("step " + step + " with the end");
      store.finish(runId, status, output, step, stepOutput, attempts);
    }

    @Override
    public java.util.Optional<RunRecord> find(String runId) {
      return store.find(runId);
    }

    @Override
    public List<RunRecord> unfinished() {
      return store.unfinished();
    }

    @Override
    public void close() {
      store.close();
    }
  }

  private RecordingStore store() {
    return new RecordingStore(SqliteStore.open(dir.resolve("firebreak.db")));
  }

  private static Flow chain() {
    return Flow.of("chain", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("a").inputs(0).checkpointed(Codecs.STRING),
            sync((s, ctx) -> s[0] + "a"))
        .step(
            StepDescriptor.builder("b").inputs(1).checkpointed(Codecs.STRING),
            sync((s, ctx) -> s[1] + "b"))
        .step(
            StepDescriptor.builder("c").inputs(2).checkpointed(Codecs.STRING),
            sync((s, ctx) -> s[2] + "c"));
  }

  @Test
  void theLastCheckpointIsWrittenWithTheRunsEnd() {
    RecordingStore store = store();
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().executor(pool).checkpointStore(store).build()) {
      BoundEntryPoint entry = chain().bind(runtime);
      assertEquals("xabc", entry.run("r1", "x"));
      assertEquals(List.of("open", "step a", "step b", "step c with the end"), store.writes);
      RunRecord run = store.find("r1").orElseThrow();
      assertEquals(WorkflowStatus.COMPLETED, run.status());
      assertEquals(List.of("a", "b", "c"), new ArrayList<>(run.outputs().keySet()));
    }
  }

  @Test
  void anAsyncStartDoesNotWaitForTheStore() throws Exception {
    RecordingStore store = store();
    store.holdOpens = true;
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().executor(pool).checkpointStore(store).build()) {
      BoundEntryPoint entry = chain().bind(runtime);
      CompletableFuture<WorkflowResult<String>> result =
          entry.<String>runAsyncForResult("r1", "x").toCompletableFuture();
      // The caller got its stage while the open is still held: it did not wait for the store.
      assertFalse(result.isDone());
      assertEquals(1, runtime.inFlightRuns(), "admitted at once");
      store.openGate.countDown();
      assertEquals("xabc", result.get(10, TimeUnit.SECONDS).output());
      assertEquals("open", store.writes.get(0));
    }
  }

  @Test
  void aRunThatCannotBeOpenedFailsItsStageAndLeavesTheFlight() throws Exception {
    RecordingStore store = store();
    IllegalStateException refusal = new IllegalStateException("disk full");
    store.refuseOpens = refusal;
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().executor(pool).checkpointStore(store).build()) {
      BoundEntryPoint entry = chain().bind(runtime);
      CompletableFuture<String> plain = entry.<String>runAsync("r1", "x").toCompletableFuture();
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> plain.get(10, TimeUnit.SECONDS));
      assertSame(refusal, e.getCause());
      CompletableFuture<WorkflowResult<String>> detailed =
          entry.<String>runAsyncForResult("r2", "x").toCompletableFuture();
      e = assertThrows(ExecutionException.class, () -> detailed.get(10, TimeUnit.SECONDS));
      assertSame(refusal, e.getCause());
      assertEquals(0, runtime.inFlightRuns());
      assertSame(
          refusal,
          assertThrows(IllegalStateException.class, () -> entry.run("r3", "x")),
          "a caller that waits sees the refusal itself");
      assertEquals(List.of(), store.writes);
    }
  }
}
