package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data already on disk stays readable: {@code compat/sqlite-2026-11-30.db} was written by {@link
 * Writer} on the runtime as landed at commit a9a2fd6 (2026-11-30) and is never regenerated. Today's
 * runtime opens it (migrating its schema), resumes its interrupted run from its checkpoint, returns
 * its finished run's output and replays its failed run: schema, codec bytes and graph hashes hold.
 */
class OnDiskCompatibilityTest {
  @TempDir Path dir;

  private final AtomicInteger extracts = new AtomicInteger();

  /** extract (checkpointed, retried) → post; post hangs, fails or posts. */
  private Flow flow(String post) {
    return Flow.of("invoice", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("extract")
                .inputs(0)
                .retry(dev.firebreak.runtime.graph.RetryPolicy.DEFAULTS)
                .checkpointed(Codecs.STRING),
            sync((s, ctx) -> "extracted " + s[0] + " #" + extracts.incrementAndGet()))
        .step(
            StepDescriptor.builder("post").inputs(1),
            async(
                (s, ctx) -> {
                  switch (post) {
                    case "hang":
                      return new CompletableFuture<>();
                    case "fail":
                      return CompletableFuture.failedFuture(
                          new IllegalStateException("ledger down"));
                    default:
                      return CompletableFuture.completedFuture("posted " + s[1]);
                  }
                }));
  }

  /** Writes the fixture; run once, on the release it describes, never again. */
  static final class Writer {
    private Writer() {}

    public static void main(String[] args) {
      OnDiskCompatibilityTest t = new OnDiskCompatibilityTest();
      Path file = Path.of(args[0]);
      try (FirebreakRuntime runtime =
          FirebreakRuntime.builder().executor(Runnable::run).checkpointStore(store(file)).build()) {
        t.flow("post").bind(runtime).runForResult("done-1", "scan-1");
        t.flow("fail").bind(runtime).runForResult("failed-1", "scan-2");
        t.flow("hang").bind(runtime).runAsyncForResult("open-1", "scan-3");
      }
    }
  }

  private static SqliteStore store(Path file) {
    return SqliteStore.open(file, "node-2026-11-30", Duration.ofSeconds(60), Clock.systemUTC());
  }

  @Test
  void aDatabaseWrittenByTheLastReleaseOpensResumesAndReplays() throws Exception {
    Path db = dir.resolve("firebreak.db");
    Files.copy(Path.of("src/test/resources/compat/sqlite-2026-11-30.db"), db);
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().executor(Runnable::run).checkpointStore(store(db)).build()) {
      Flow flow = flow("post");
      var entry = flow.bind(runtime);

      List<CompletableFuture<WorkflowResult<Object>>> resumed = runtime.resumeAll();
      assertEquals(1, resumed.size());
      WorkflowResult<Object> open = resumed.get(0).join();
      assertEquals("open-1", open.runId());
      assertEquals(WorkflowStatus.COMPLETED, open.status());
      assertEquals("posted extracted scan-3 #3", open.output(), "its checkpoint, decoded");

      WorkflowResult<Object> done = entry.runForResult("done-1", "ignored");
      assertEquals(WorkflowStatus.COMPLETED, done.status());
      assertEquals("posted extracted scan-1 #1", done.output(), "its stored output, decoded");

      DeadLetter letter = runtime.deadLetters().list().get(0);
      assertEquals("failed-1", letter.runId());
      assertEquals(DeadLetterReason.RETRIES_EXHAUSTED, letter.reason());
      assertTrue(
          letter.errorChain().get(0).contains("ledger down"), letter.errorChain().toString());
      WorkflowResult<Object> replayed = runtime.replay("failed-1").toCompletableFuture().join();
      assertEquals(WorkflowStatus.COMPLETED, replayed.status());
      assertEquals("posted extracted scan-2 #2", replayed.output());

      assertEquals(0, extracts.get(), "no checkpointed step ran again");
      assertTrue(runtime.checkpointStore().unfinished().isEmpty());
      assertEquals(0, runtime.deadLetters().size());
    }
  }
}
