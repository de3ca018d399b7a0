package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.Intake;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Redis, bus and store at once, restarts under a node reading requests (append-only file, fsync
 * always): requests published before and after all start exactly one run, and every run's result is
 * published, those that ended while Redis was away included. The agent's own count of calls is the
 * ledger.
 */
class RedisStreamsRestartTest {
  @TempDir Path dir;

  @Test
  void aRedisRestartLosesNoRequestStartsNoRunTwiceAndPublishesEveryResult() throws Exception {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    try (LocalRedis local = LocalRedis.appendOnly(dir);
        RedisStore store =
            RedisStore.open(
                local.client(),
                "firebreak:",
                null,
                "node-1",
                Duration.ofSeconds(6),
                Clock.systemUTC());
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .checkpointStore(store)
                .maxInFlightRuns(4)
                .shutdownGracePeriod(Duration.ZERO)
                .shutdownHook(false)
                .build();
        RedisStreamsTransport transport =
            RedisStreamsTransport.open(local.client(), "node-1", Duration.ofSeconds(2), 16)) {
      RedisClient redis = local.client();
      Flow.of("shout", 1)
          .inputCodecs(Codecs.STRING)
          .outputCodec(Codecs.STRING)
          .step(
              StepDescriptor.builder("shout").inputs(0),
              Flow.sync(
                  (s, ctx) -> {
                    calls.computeIfAbsent(ctx.runId(), k -> new AtomicInteger()).incrementAndGet();
                    Thread.sleep(20);
                    return "ok";
                  }))
          .bind(runtime);
      for (int i = 0; i < 100; i++) {
        publish(redis, "before-" + i); // all there before the node reads
      }
      try (Intake intake =
          runtime.intake(
              transport,
              "test.Flow",
              "shout",
              IntakeTopics.of("requests", "g").results("results"))) {
        IntakeContract.await("some runs before the restart", () -> calls.size() >= 20);
        local.stopServer();
        int beforeRestart = calls.size();
        Thread.sleep(1500); // Redis is away: reads, acknowledgements, writes and results wait
        local.startServer();
        for (int i = 0; i < 100; i++) {
          publish(redis, "after-" + i);
        }
        IntakeContract.await(
            "200 runs completed",
            () -> runtime.runs().countByStatus().get(WorkflowStatus.COMPLETED) == 200,
            () -> runtime.runs().countByStatus() + " calls=" + calls.size());
        IntakeContract.await(
            "every request acknowledged",
            () -> redis.xpending("requests", "g").getTotal() == 0,
            () -> "pending=" + redis.xpending("requests", "g").getTotal());
        IntakeContract.await(
            "every result published",
            () -> resultKeys(redis).size() == 200,
            () -> "results=" + resultKeys(redis).size());
        long duplicateStarts = calls.values().stream().filter(n -> n.get() > 1).count();
        assertEquals(
            "lost=0 duplicate_starts=0",
            "lost=" + (200 - calls.size()) + " duplicate_starts=" + duplicateStarts);
        assertTrue(
            beforeRestart < 100, "restarted mid-batch: " + beforeRestart + " of 100 had run");
        assertEquals(0, intake.poisoned(), "an outage is not the requests' fault");
        assertEquals(0, runtime.deadLetters().list().size());
      }
    }
  }

  private static void publish(RedisClient redis, String runId) {
    redis.xadd("requests", XAddParams.xAddParams(), Map.of("k", runId, "v", "[\"x\"]"));
  }

  private static Set<String> resultKeys(RedisClient redis) {
    Set<String> keys = new HashSet<>();
    for (StreamEntry e : redis.xrange("results", (StreamEntryID) null, (StreamEntryID) null)) {
      keys.add(e.getFields().get("k"));
    }
    return keys;
  }
}
