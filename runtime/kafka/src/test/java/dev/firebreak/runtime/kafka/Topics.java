package dev.firebreak.runtime.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The tests' side of the broker, outside Firebreak: a producer, readers that keep every record of a
 * topic seen so far, and each group's lag (records not committed).
 */
final class Topics implements AutoCloseable {
  private final String bootstrap;
  private final KafkaProducer<String, String> producer;
  private final Admin admin;
  private final Map<String, Reader> readers = new ConcurrentHashMap<>();

  Topics(String bootstrap) {
    this.bootstrap = bootstrap;
    this.producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer());
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  void publish(String topic, String key, String value) {
    try {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every record of {@code topic} up to its end now, values by key. */
  Map<String, List<String>> read(String topic) {
    return readers.computeIfAbsent(topic, Reader::new).read();
  }

  /** Records of {@code topic} the group has not committed past. */
  long lag(String topic, String group) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartition tp : partitions(topic)) {
        latest.put(tp, OffsetSpec.latest());
      }
      long lag = 0;
      for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
          admin.listOffsets(latest).all().get().entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        lag += e.getValue().offset() - (c == null ? 0 : c.offset());
      }
      return lag;
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<TopicPartition> partitions(String topic) {
    try (KafkaConsumer<String, String> c = consumer()) {
      List<TopicPartition> tps = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topic)) {
        tps.add(new TopicPartition(topic, p.partition()));
      }
      return tps;
    }
  }

  private KafkaConsumer<String, String> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new StringDeserializer(),
        new StringDeserializer());
  }

  /** A topic read from its beginning by a consumer of no group. */
  private final class Reader {
    final KafkaConsumer<String, String> consumer = consumer();
    final Map<String, List<String>> byKey = new HashMap<>();

    Reader(String topic) {
      List<TopicPartition> tps = partitions(topic);
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
    }

    synchronized Map<String, List<String>> read() {
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
          byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
        }
      }
      Map<String, List<String>> copy = new HashMap<>();
      byKey.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return copy;
    }

    void close() {
      consumer.close(Duration.ofSeconds(1));
    }
  }

  /** Closes the readers of the test that ended. */
  void forget() {
    readers.values().forEach(Reader::close);
    readers.clear();
  }

  @Override
  public void close() {
    forget();
    producer.close(Duration.ofSeconds(1));
    admin.close(Duration.ofSeconds(1));
  }
}
