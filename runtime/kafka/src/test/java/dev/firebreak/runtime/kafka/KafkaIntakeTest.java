package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intake contract on Kafka, a KRaft broker in this JVM on 127.0.0.1, with the runs in SQLite. A
 * member that leaves holding requests hands its partitions over at the rebalance, from the last
 * committed offset.
 */
class KafkaIntakeTest extends IntakeContract {
  private static KafkaBroker broker;
  private static Topics topics;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.shared();
    topics = new Topics(broker.bootstrapServers());
  }

  @AfterAll
  static void closeTopics() {
    if (topics != null) {
      topics.close();
    }
  }

  @AfterEach
  void forgetReaders() {
    topics.forget();
  }

  @Override
  protected Transport transport(String node, int batch) {
    return KafkaTransport.open(broker.bootstrapServers(), batch);
  }

  @Override
  protected CheckpointStore store(String node) {
    return SqliteStore.open(dir.resolve("runs.db"), node, Duration.ofSeconds(6), Clock.systemUTC());
  }

  @Override
  protected void createTopics(String... names) throws Exception {
    broker.createTopics(3, names);
  }

  @Override
  protected void publishRaw(String topic, String key, String value) {
    topics.publish(topic, key, value);
  }

  @Override
  protected Map<String, List<String>> published(String topic) {
    return topics.read(topic);
  }

  @Override
  protected long unacknowledged(String topic, String group) {
    return topics.lag(topic, group);
  }
}
