package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.remote.RemoteStepContract;
import org.junit.jupiter.api.BeforeAll;

/**
 * Remote steps over Kafka, a KRaft broker in this JVM on 127.0.0.1: calls on a topic of 3
 * partitions shared by the workers group, replies read by every orchestrator node from their end.
 */
class KafkaRemoteStepTest extends RemoteStepContract {
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.shared();
  }

  @Override
  protected Transport transport(String node, int batch) {
    return KafkaTransport.open(broker.bootstrapServers(), batch);
  }

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @Override
  protected dev.firebreak.runtime.CheckpointStore durableStore(String node) {
    return dev.firebreak.runtime.store.SqliteStore.open(
        dir.resolve("runs.db"), node, java.time.Duration.ofSeconds(6), java.time.Clock.systemUTC());
  }

  @Override
  protected void createTopics(String... names) throws Exception {
    broker.createTopics(3, names);
  }
}
