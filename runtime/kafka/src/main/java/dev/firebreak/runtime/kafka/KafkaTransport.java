package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.bus.Receiver;
import dev.firebreak.runtime.bus.Subscription;
import dev.firebreak.runtime.bus.Transport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The bus on Kafka: a record's key is the Kafka key (UTF-8), its value the Kafka value. Publishing
 * completes once the write is acknowledged by all in-sync replicas ({@code acks=all}, idempotent).
 * Each subscription is a {@link KafkaSubscription}: a consumer of its own on a thread of its own,
 * committing offsets only up to the records acknowledged in order, so a crash delivers the rest
 * again (to whichever member gets the partition).
 */
public final class KafkaTransport implements Transport {
  private final Map<String, Object> config;
  private final int batch;
  private final KafkaProducer<String, byte[]> producer;
  private final List<KafkaSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private final List<KafkaListener> listeners = new CopyOnWriteArrayList<>();

  private KafkaTransport(Map<String, Object> config, int batch) {
    this.config = Map.copyOf(config);
    this.batch = batch;
    Map<String, Object> producerConfig = new HashMap<>(config);
    // A remote step's call and reply each wait for a send: no linger unless asked for (Kafka's own
    // default, 5 ms, doubles into a remote step's latency). Under load, records still batch.
    producerConfig.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * A transport on the cluster at {@code bootstrapServers}, fetching up to {@code batch} records at
   * a time per subscription.
   */
  public static KafkaTransport open(String bootstrapServers, int batch) {
    return open(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), batch);
  }

  /**
   * A transport with the given Kafka client settings (bootstrap servers, security, ...), shared by
   * its producer and consumers; the settings that make the delivery guarantees are the transport's
   * own. {@code linger.ms} is 0 unless given.
   */
  public static KafkaTransport open(Map<String, Object> clientConfig, int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive: " + batch);
    }
    return new KafkaTransport(clientConfig, batch);
  }

  @Override
  public CompletionStage<Void> publish(String topic, String key, byte[] value) {
    CompletableFuture<Void> taken = new CompletableFuture<>();
    try {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, failure) -> {
            if (failure == null) {
              taken.complete(null);
            } else {
              taken.completeExceptionally(
                  new IllegalStateException(
                      "Kafka did not take the record for " + topic + ": " + failure, failure));
            }
          });
    } catch (RuntimeException e) {
      taken.completeExceptionally(e);
    }
    return taken;
  }

  @Override
  public Subscription subscribe(String topic, String group, Receiver receiver) {
    KafkaSubscription s =
        new KafkaSubscription(config, batch, topic, group, receiver, subscriptions::remove);
    subscriptions.add(s);
    s.start();
    return s;
  }

  @Override
  public Subscription listen(String topic, Receiver receiver) {
    KafkaListener l = new KafkaListener(config, batch, topic, receiver, listeners::remove);
    listeners.add(l);
    l.start();
    return l;
  }

  @Override
  public void close() {
    for (KafkaSubscription s : subscriptions) {
      s.close();
    }
    for (KafkaListener l : listeners) {
      l.close();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
