package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Receiver;
import dev.firebreak.runtime.bus.Subscription;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic from its end at the start, outside any group (nothing is
 * committed), on a thread of its own: what {@code Transport.listen} needs.
 */
final class KafkaListener implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(KafkaListener.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final String topic;
  private final Receiver receiver;
  private final Consumer<KafkaListener> onClose;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean pauseWanted;
  private boolean pausedNow;
  private volatile boolean closed;

  KafkaListener(
      Map<String, Object> config,
      int batch,
      String topic,
      Receiver receiver,
      Consumer<KafkaListener> onClose) {
    this.topic = topic;
    this.receiver = receiver;
    this.onClose = onClose;
    Map<String, Object> c = new HashMap<>(config);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic);
      if (partitions == null || partitions.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist: create it first");
      }
      List<TopicPartition> all =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(all);
      consumer.seekToEnd(all);
      all.forEach(consumer::position); // fixed now: what is published after this is read
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
    this.thread = new Thread(this::loop, "firebreak-kafka-listen-" + topic);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    try {
      while (!closed) {
        try {
          boolean want = pauseWanted;
          if (want != pausedNow) {
            if (want) {
              consumer.pause(consumer.assignment());
            } else {
              consumer.resume(consumer.assignment());
            }
            pausedNow = want;
          }
          for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
            deliver(r);
          }
        } catch (WakeupException e) {
          // closing: the loop ends
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          log.warn("listening to {} failed; trying again in {}", topic, RETRY, e);
          LockSupport.parkNanos(this, RETRY.toNanos());
        }
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void deliver(ConsumerRecord<String, byte[]> r) {
    try {
      receiver.receive(
          new Delivery() {
            @Override
            public String topic() {
              return r.topic();
            }

            @Override
            public String key() {
              return r.key();
            }

            @Override
            public byte[] value() {
              return r.value();
            }

            @Override
            public String position() {
              return r.partition() + ":" + r.offset();
            }

            @Override
            public void ack() {
              // outside any group: nothing to acknowledge
            }
          });
    } catch (RuntimeException e) {
      log.error("the listener of {} failed on {}:{}", topic, r.partition(), r.offset(), e);
    }
  }

  @Override
  public void pause() {
    pauseWanted = true;
  }

  @Override
  public void resume() {
    pauseWanted = false;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    consumer.wakeup();
    LockSupport.unpark(thread);
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    onClose.accept(this);
  }
}
