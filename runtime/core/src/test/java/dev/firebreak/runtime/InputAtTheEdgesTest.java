package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input at the runtime's edges: run ids, builds that fail, admission under a flood. */
class InputAtTheEdgesTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static long threadsNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .count();
  }

  /** A runtime on the SQLite file {@code file}, with this test's pool and virtual clock. */
  private FirebreakRuntime sqliteRuntime(Path file) {
    return FirebreakRuntime.builder().sqlite(file).executor(pool).scheduler(clock).build();
  }

  /** An entry point of one checkpointed String step, with stored inputs and output. */
  private static BoundEntryPoint oneCheckpointedStep(
      FirebreakRuntime runtime, StepBinding.SyncCall call) {
    return Flow.of("one", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(StepDescriptor.builder("first").inputs(0).checkpointed(Codecs.STRING), sync(call))
        .bind(runtime);
  }

  @Test
  void aBuildThatFailsToOpenItsStoreLeavesNoThreadBehind(@TempDir Path dir) throws Exception {
    Path directory = Files.createDirectory(dir.resolve("not-a-file.db"));
    long timersBefore = threadsNamed("firebreak-timer");
    long sqliteBefore = threadsNamed("firebreak-sqlite");
    for (int i = 0; i < 5; i++) {
      assertThrows(
          RuntimeException.class, () -> FirebreakRuntime.builder().sqlite(directory).build());
    }
    assertEquals(
        timersBefore, threadsNamed("firebreak-timer"), "a timer thread outlived a failed build");
    assertEquals(
        sqliteBefore, threadsNamed("firebreak-sqlite"), "a store thread outlived a failed build");
  }

  @Test
  void theInFlightGaugeNeverReadsAboveTheLimit() throws Exception {
    int limit = 2;
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .executor(pool)
            .scheduler(clock)
            .maxInFlightRuns(limit)
            .build();
    CountDownLatch release = new CountDownLatch(1);
    BoundEntryPoint entry =
        Flow.of("hold", 1)
            .step(
                StepDescriptor.builder("wait").inputs(0),
                sync(
                    (s, ctx) -> {
                      release.await(30, TimeUnit.SECONDS);
                      return "done";
                    }))
            .bind(runtime);
    CompletableFuture<?> first = entry.runAsync(null, "a").toCompletableFuture();
    CompletableFuture<?> second = entry.runAsync(null, "b").toCompletableFuture();
    AtomicBoolean flooding = new AtomicBoolean(true);
    AtomicInteger highest = new AtomicInteger();
    Thread sampler =
        new Thread(
            () -> {
              while (flooding.get()) {
                highest.accumulateAndGet(runtime.inFlightRuns(), Math::max);
              }
            });
    sampler.start();
    AtomicInteger refused = new AtomicInteger();
    Thread[] flood = new Thread[3];
    for (int t = 0; t < flood.length; t++) {
      flood[t] =
          new Thread(
              () -> {
                for (int i = 0; i < 100_000; i++) {
                  try {
                    entry.run(null, "x");
                  } catch (OverloadedException e) {
                    refused.incrementAndGet();
                  }
                }
              });
      flood[t].start();
    }
    for (Thread t : flood) {
      t.join();
    }
    flooding.set(false);
    sampler.join();
    release.countDown();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    assertEquals(300_000, refused.get(), "every call past the limit is refused");
    assertEquals(limit, highest.get(), "inFlightRuns() read above maxInFlightRuns");
    assertEquals(0, runtime.inFlightRuns());
  }

  @Test
  void aRunIdThatLooksLikeAnotherRunsIsRefusedNotGivenItsResult(@TempDir Path dir)
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (FirebreakRuntime runtime = sqliteRuntime(dir.resolve("ids.db"))) {
      BoundEntryPoint entry =
          oneCheckpointedStep(
              runtime,
              (s, ctx) -> {
                calls.incrementAndGet();
                return ctx.runId() + ":" + s[0];
              });
      assertEquals("run-?-x:a", entry.run("run-?-x", "a"));
      for (String lookAlike : java.util.List.of("run-\uD800-x", "run-\uDC00-x")) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> entry.run(lookAlike, "b"), "sync");
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        java.util.concurrent.ExecutionException async =
            assertThrows(
                java.util.concurrent.ExecutionException.class,
                () ->
                    entry.runAsync(lookAlike, "b").toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(
            async.getCause() instanceof IllegalArgumentException, async.getCause().toString());
        assertThrows(IllegalArgumentException.class, () -> runtime.resume(lookAlike));
        assertThrows(IllegalArgumentException.class, () -> runtime.replay(lookAlike));
        assertThrows(IllegalArgumentException.class, () -> runtime.cancel(lookAlike));
      }
      assertThrows(
          IllegalArgumentException.class, () -> entry.run("z".repeat(RunIds.MAX_LENGTH + 1), "c"));
      assertThrows(IllegalArgumentException.class, () -> entry.run("", "c"));
      assertEquals(
          1, calls.get(), "no refused id ran a step or was handed the look-alike's result");
      assertEquals(
          WorkflowStatus.COMPLETED,
          runtime.checkpointStore().find("run-?-x").orElseThrow().status());
    }
  }

  @Test
  void aRunIdInALogLineIsEscapedAndBounded() {
    assertEquals("\"INV-42\"", RunIds.forLog("INV-42"));
    assertEquals(
        "\"a\\nERROR forged\\r\\u2028\\u0007\\\"q\\\\\"",
        RunIds.forLog("a\nERROR forged\r\u2028\u0007\"q\\"));
    assertEquals(
        "\"lone \\ud800 pair \uD83D\uDE00\"", RunIds.forLog("lone \uD800 pair \uD83D\uDE00"));
    String huge = "x".repeat(1_000_000);
    String logged = RunIds.forLog(huge);
    assertEquals("\"" + "x".repeat(80) + "\"...(1000000 chars)", logged);
    for (String id : java.util.List.of("a\nb", "a\rb", "a\u2028b", "a\u0085b", huge)) {
      String line = RunIds.forLog(id);
      assertTrue(
          line.chars().noneMatch(c -> c < 0x20 || c == 0x85 || c == 0x2028 || c == 0x2029), line);
      assertTrue(line.length() <= 120, "a log line shows a bounded id");
    }
  }

  @Test
  void aCheckpointPastJacksonsDefaultStringLimitIsReadBack(@TempDir Path dir) {
    String big = "v".repeat(25_000_000);
    AtomicInteger calls = new AtomicInteger();
    try (FirebreakRuntime runtime = sqliteRuntime(dir.resolve("big.db"))) {
      BoundEntryPoint entry =
          oneCheckpointedStep(
              runtime,
              (s, ctx) -> {
                calls.incrementAndGet();
                return big;
              });
      assertEquals(big.length(), entry.<String>run("big-1", "in").length());
      String again = entry.run("big-1", "in");
      assertEquals(big, again, "the stored output is read back, not refused as corrupt");
      assertEquals(1, calls.get(), "and the step did not run twice");
    }
  }
}
