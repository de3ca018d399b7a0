package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * A node to kill: a runtime on the SQLite store {@code args[1]} as node {@code args[3]}, its entry
 * point "shout" bound to the topic {@code args[4]} of the Kafka at {@code args[0]}, two runs in
 * flight at most. Each execution of the step takes 200 ms and writes (run id, node) to the ledger
 * {@code args[2]}, a SQLite file outside the store. Says {@code READY} once it reads requests.
 */
public final class IntakeWorker {
  private IntakeWorker() {}

  public static void main(String[] args) throws Exception {
    String node = args[3];
    try (Connection ledger = DriverManager.getConnection("jdbc:sqlite:" + args[2])) {
      try (Statement s = ledger.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
      }
      PreparedStatement insert =
          ledger.prepareStatement("INSERT INTO executions (run_id, node) VALUES (?, ?)");
      FirebreakRuntime runtime =
          FirebreakRuntime.builder()
              .checkpointStore(
                  SqliteStore.open(
                      Path.of(args[1]), node, Duration.ofSeconds(3), Clock.systemUTC()))
              .maxInFlightRuns(2)
              .shutdownHook(false)
              .build();
      Flow.of("shout", 1)
          .inputCodecs(Codecs.STRING)
          .outputCodec(Codecs.STRING)
          .step(
              StepDescriptor.builder("shout").inputs(0).checkpointed(Codecs.STRING),
              Flow.sync(
                  (s, ctx) -> {
                    Thread.sleep(200);
                    synchronized (insert) {
                      insert.setString(1, ctx.runId());
                      insert.setString(2, node);
                      insert.executeUpdate();
                    }
                    return ((String) s[0]).toUpperCase(Locale.ROOT);
                  }))
          .bind(runtime);
      KafkaTransport transport =
          KafkaTransport.open(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0],
                  // A killed member's partitions move within 6 s, not the default 45 s.
                  ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000,
                  ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000),
              16);
      runtime.intake(
          transport,
          "test.Flow",
          "shout",
          IntakeTopics.of(args[4], "workers").results(args[4] + "-results"));
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
