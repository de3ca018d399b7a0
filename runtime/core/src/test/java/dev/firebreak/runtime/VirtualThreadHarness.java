package dev.firebreak.runtime;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Run in a Java 21+ JVM by {@link VirtualThreadTest}: {@code runs} runs whose one sync step blocks
 * until every step has started. That only finishes if every blocked step gets its own virtual
 * thread and none pins its carrier (a pinned carrier would hold the 2 cores, and the rest could
 * never start). Prints {@code completed=N thread=<first step's thread>}.
 */
public final class VirtualThreadHarness {
  private VirtualThreadHarness() {}

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    CountDownLatch allStarted = new CountDownLatch(runs);
    String[] firstThread = new String[1];
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .maxInFlightRuns(runs)
            .mdc(false)
            .build()) {
      BoundEntryPoint entry =
          Flow.of("blocking", 1)
              .step(
                  StepDescriptor.builder("wait").inputs(0),
                  Duration.ofMinutes(2),
                  Flow.sync(
                      (s, ctx) -> {
                        if ((int) s[0] == 0) {
                          firstThread[0] = Thread.currentThread().toString();
                        }
                        allStarted.countDown();
                        if (!allStarted.await(60, TimeUnit.SECONDS)) {
                          throw new IllegalStateException("not every step could start");
                        }
                        return "ok";
                      }))
              .bind(runtime);
      List<CompletableFuture<WorkflowResult<String>>> all = new ArrayList<>(runs);
      for (int i = 0; i < runs; i++) {
        all.add(entry.<String>runAsyncForResult(null, i).toCompletableFuture());
      }
      int completed = 0;
      for (CompletableFuture<WorkflowResult<String>> f : all) {
        if (f.get(90, TimeUnit.SECONDS).status() == WorkflowStatus.COMPLETED) {
          completed++;
        }
      }
      System.out.println("completed=" + completed + " thread=" + firstThread[0]);
    }
  }
}
