package dev.firebreak.benchmarks;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Heap held by 100,000 runs in flight, each waiting on an async step (a 4-step chain whose first
 * step's stage is not complete yet), with a 30 s timeout armed for each: used heap after a full GC,
 * before and while they wait. Usage: {@code InFlightHeap [runs]}.
 */
public final class InFlightHeap {
  private InFlightHeap() {}

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    List<CompletableFuture<Object>> agents = new ArrayList<>(runs);
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(InMemoryCheckpointStore.forgettingFinished())
            .executor(Runnable::run)
            .maxInFlightRuns(runs)
            .mdc(false)
            .build()) {
      List<StepDescriptor> steps = new ArrayList<>();
      List<StepBinding> bindings = new ArrayList<>();
      steps.add(
          StepDescriptor.builder("call").inputs(0).async().timeout(Duration.ofSeconds(30)).build());
      bindings.add(
          StepBinding.async(
              (s, ctx) -> {
                CompletableFuture<Object> f = new CompletableFuture<>();
                agents.add(f);
                return f;
              }));
      for (int i = 1; i < 4; i++) {
        steps.add(
            StepDescriptor.builder("s" + i).inputs(i).timeout(Duration.ofSeconds(30)).build());
        bindings.add(StepBinding.sync((s, ctx) -> "out"));
      }
      BoundEntryPoint entry =
          runtime.bind(
              new EntryPointPlan(
                  "bench.Heap", "run", List.of("java.lang.String"), steps, 4, null, "heap"),
              bindings);
      long before = usedAfterGc();
      List<CompletableFuture<?>> results = new ArrayList<>(runs);
      for (int i = 0; i < runs; i++) {
        results.add(entry.runAsyncForResult(null, "in").toCompletableFuture());
      }
      long during = usedAfterGc();
      System.out.printf(
          "%,d runs in flight: %,d MiB of heap (%,d bytes per run); in flight: %,d%n",
          runs, (during - before) >> 20, (during - before) / runs, runtime.inFlightRuns());
      agents.forEach(f -> f.complete("done"));
      long completed =
          results.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
      System.out.printf("completed after release: %,d%n", completed);
    }
  }
}
