package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.crash.CrashWorker;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis restarted under a running runtime (append-only file, fsync always): every run is in its
 * last step when Redis stops, and that step ends while it is away, so every run's last write meets
 * the outage. The runs wait for Redis and go on: none fails, none is dead-lettered, and no step
 * runs twice.
 */
class RedisOutageTest {
  private static final List<String> STEPS = CrashWorker.STEPS;

  @TempDir Path dir;

  @Test
  void runsInFlightWaitForARestartedRedisAndGoOn() throws Exception {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    CountDownLatch stopped = new CountDownLatch(1);
    try (LocalRedis local = LocalRedis.appendOnly(dir);
        RedisStore store = RedisStore.open(local.client(), "firebreak:", null);
        FirebreakRuntime runtime =
            FirebreakRuntime.builder().checkpointStore(store).shutdownHook(false).build()) {
      BoundEntryPoint entry =
          runtime.bind(CrashWorker.plan("outage.Orders"), bindings(calls, stopped));
      List<CompletableFuture<WorkflowResult<Object>>> results = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        results.add(entry.runAsyncForResult("order-" + i, "order-" + i).toCompletableFuture());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (total(calls) < 3 * results.size() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      local.stopServer();
      stopped.countDown(); // every run's last step ends now, and writes its end
      Thread.sleep(1500); // Redis is away; the runs wait
      assertTrue(results.stream().noneMatch(CompletableFuture::isDone), "nothing ended meanwhile");
      local.startServer();
      for (CompletableFuture<WorkflowResult<Object>> result : results) {
        assertEquals(WorkflowStatus.COMPLETED, result.get(60, TimeUnit.SECONDS).status());
      }
      assertEquals(0, store.deadLetters().size());
      calls.forEach((call, n) -> assertEquals(1, n.get(), call + " ran " + n + " times"));
      assertEquals(3 * results.size(), calls.size());
    }
  }

  private static int total(Map<String, AtomicInteger> calls) {
    return calls.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /** Counts each step's calls; the last step ends only once Redis has stopped. */
  private static List<StepBinding> bindings(
      Map<String, AtomicInteger> calls, CountDownLatch stopped) {
    List<StepBinding> bindings = new ArrayList<>();
    for (int i = 0; i < STEPS.size(); i++) {
      int slot = i;
      bindings.add(
          StepBinding.sync(
              (s, ctx) -> {
                calls
                    .computeIfAbsent(ctx.idempotencyKey(), k -> new AtomicInteger())
                    .incrementAndGet();
                if (slot == STEPS.size() - 1) {
                  stopped.await(30, TimeUnit.SECONDS);
                }
                return s[slot] + ">" + ctx.stepName();
              }));
    }
    return bindings;
  }
}
