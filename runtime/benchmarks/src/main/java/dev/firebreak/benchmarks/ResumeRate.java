package dev.firebreak.benchmarks;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Resume rate after a crash: {@code runs} runs are left RUNNING on SQLite (their first,
 * checkpointed step done, the second never answered), the process "dies", and a new runtime on the
 * same file resumes them all with {@code resumeAll()}. Prints runs resumed to completion per
 * second. Usage: {@code ResumeRate [runs]}.
 */
public final class ResumeRate {
  private ResumeRate() {}

  private static EntryPointPlan plan() {
    return new EntryPointPlan(
        "bench.Resume",
        "run",
        List.of("java.lang.String"),
        List.of(
            StepDescriptor.builder("extract")
                .inputs(0)
                .checkpointed(Codecs.STRING)
                .timeout(Duration.ofMinutes(5))
                .build(),
            StepDescriptor.builder("post")
                .inputs(1)
                .async()
                .timeout(Duration.ofMinutes(5))
                .build()),
        2,
        null,
        "resume",
        List.of(Codecs.STRING),
        Codecs.STRING);
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    Path db = Files.createTempDirectory("firebreak-resume").resolve("store.db");
    ExecutorService pool = Executors.newFixedThreadPool(64);
    FirebreakRuntime crashed =
        FirebreakRuntime.builder()
            .checkpointStore(SqliteStore.open(db))
            .executor(pool)
            .maxInFlightRuns(runs)
            .mdc(false)
            .build();
    BoundEntryPoint before =
        crashed.bind(
            plan(),
            List.of(
                StepBinding.sync((s, ctx) -> "extracted"),
                StepBinding.async((s, ctx) -> new CompletableFuture<>())));
    for (int i = 0; i < runs; i++) {
      before.runAsyncForResult("run-" + i, "scan-" + i);
    }
    while (crashed.checkpointStore().unfinished().stream()
            .filter(r -> r.outputs().containsKey("extract"))
            .count()
        < runs) {
      Thread.sleep(200);
    }
    // The process dies here: its runtime is abandoned, nothing more is written by it, and the lock
    // its node held beside the file goes (the OS drops it on kill -9), so its runs are gone.
    crashed.checkpointStore().close();

    ExecutorService pool2 = Executors.newFixedThreadPool(64);
    try (FirebreakRuntime restarted =
        FirebreakRuntime.builder()
            .checkpointStore(SqliteStore.open(db))
            .executor(pool2)
            .maxInFlightRuns(runs)
            .mdc(false)
            .build()) {
      restarted.bind(
          plan(),
          List.of(
              StepBinding.sync(
                  (s, ctx) -> {
                    throw new IllegalStateException("a checkpointed step ran again");
                  }),
              StepBinding.async((s, ctx) -> CompletableFuture.completedFuture("posted"))));
      long start = System.nanoTime();
      List<CompletableFuture<WorkflowResult<Object>>> resumed = restarted.resumeAll();
      long completed = 0;
      for (CompletableFuture<WorkflowResult<Object>> f : resumed) {
        if (f.join().isSuccess()) {
          completed++;
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "resumed %,d of %,d runs to completion in %.2f s: %,.0f runs/s%n",
          completed, runs, seconds, completed / seconds);
    } finally {
      pool.shutdownNow();
      pool2.shutdownNow();
    }
    System.exit(0);
  }
}
