package dev.firebreak.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.Intake;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker restarts under a node reading requests: requests published before, during the catch-up
 * and after all start exactly one run. The agent's own count of calls is the ledger.
 */
class KafkaRestartTest {
  @TempDir Path dir;

  @Test
  void aBrokerRestartLosesNoRequestAndStartsNoRunTwice() throws Exception {
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    try (KafkaBroker broker = KafkaBroker.start();
        Topics topics = new Topics(broker.bootstrapServers());
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .checkpointStore(
                    SqliteStore.open(
                        dir.resolve("runs.db"), "node-1", Duration.ofSeconds(6), Clock.systemUTC()))
                .maxInFlightRuns(4)
                .shutdownGracePeriod(Duration.ZERO)
                .shutdownHook(false)
                .build();
        KafkaTransport transport = KafkaTransport.open(broker.bootstrapServers(), 16)) {
      broker.createTopics(3, "requests", "results");
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
        topics.publish("requests", "before-" + i, "[\"x\"]"); // all there before the node reads
      }
      try (Intake intake =
          runtime.intake(
              transport,
              "test.Flow",
              "shout",
              IntakeTopics.of("requests", "g").results("results"))) {
        IntakeContract.await("some runs before the restart", () -> calls.size() >= 20);
        int beforeRestart = calls.size();
        broker.restart();
        for (int i = 0; i < 100; i++) {
          topics.publish("requests", "after-" + i, "[\"y\"]");
        }
        IntakeContract.await(
            "200 runs completed",
            () -> runtime.runs().countByStatus().get(WorkflowStatus.COMPLETED) == 200,
            () -> runtime.runs().countByStatus() + " calls=" + calls.size());
        IntakeContract.await("every request committed", () -> topics.lag("requests", "g") == 0);
        long duplicateStarts = calls.values().stream().filter(n -> n.get() > 1).count();
        assertEquals(
            "lost=0 duplicate_starts=0",
            "lost=" + (200 - calls.size()) + " duplicate_starts=" + duplicateStarts);
        assertEquals(200, topics.read("results").size(), "every result published");
        org.junit.jupiter.api.Assertions.assertTrue(
            beforeRestart < 100, "restarted mid-batch: " + beforeRestart + " of 100 had run");
      }
    }
  }
}
