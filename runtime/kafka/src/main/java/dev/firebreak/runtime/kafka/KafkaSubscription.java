package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Receiver;
import dev.firebreak.runtime.bus.Subscription;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One group member reading one topic. The consumer is used by its own thread only (it is not
 * thread-safe): acknowledgements, pauses and resumes from other threads are handed to it and
 * applied between polls. Per partition, the records delivered are kept in order with whether each
 * is acknowledged; the committed offset advances past the leading acknowledged ones only, so an
 * acknowledgement out of order never commits past a record still in flight.
 */
final class KafkaSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(KafkaSubscription.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration PAUSED_POLL = Duration.ofMillis(5);
  private static final Duration RETRY = Duration.ofSeconds(1);

  private final String topic;
  private final Receiver receiver;
  private final Consumer<KafkaSubscription> onClose;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
  private volatile boolean pauseWanted;
  private boolean pausedNow;
  private volatile boolean closed;

  /** One assigned partition's records in flight, in delivery order. */
  private static final class Partition {
    final ConcurrentLinkedQueue<Record> inFlight = new ConcurrentLinkedQueue<>();
    volatile boolean revoked;
  }

  /** One delivered record. */
  private final class Record implements Delivery {
    final Partition partition;
    final ConsumerRecord<String, byte[]> record;
    volatile boolean acked;

    Record(Partition partition, ConsumerRecord<String, byte[]> record) {
      this.partition = partition;
      this.record = record;
    }

    @Override
    public String topic() {
      return record.topic();
    }

    @Override
    public String key() {
      return record.key();
    }

    @Override
    public byte[] value() {
      return record.value();
    }

    @Override
    public String position() {
      return record.partition() + ":" + record.offset();
    }

    @Override
    public void ack() {
      acked = true; // committed by the consumer's thread, after the leading records
    }
  }

  KafkaSubscription(
      Map<String, Object> config,
      int batch,
      String topic,
      String group,
      Receiver receiver,
      Consumer<KafkaSubscription> onClose) {
    this.topic = topic;
    this.receiver = receiver;
    this.onClose = onClose;
    Map<String, Object> c = new HashMap<>(config);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batch);
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::loop, "firebreak-kafka-" + topic);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    try {
      consumer.subscribe(List.of(topic), new Rebalance());
      while (!closed) {
        try {
          applyPause();
          // Paused, a poll fetches nothing and only waits: a short one notices a resume sooner.
          deliver(consumer.poll(pausedNow ? PAUSED_POLL : POLL));
          commitAcknowledged(false);
        } catch (WakeupException e) {
          // closing: the loop ends
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          // A broker away, a failed commit: the consumer goes on from its position, and what was
          // delivered but not yet acknowledged stays in flight.
          log.warn("reading {} failed; trying again in {}", topic, RETRY, e);
          LockSupport.parkNanos(this, RETRY.toNanos());
        }
      }
    } finally {
      try {
        commitAcknowledged(true);
      } catch (RuntimeException e) {
        log.warn("the last commit of {} failed: its records will be delivered again", topic, e);
      }
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Hands the polled records to the receiver in order. A record the receiver throws on stays in
   * flight unacknowledged (so its partition commits no further, and it is delivered again after a
   * rebalance or restart): never skipped.
   */
  private void deliver(ConsumerRecords<String, byte[]> records) {
    for (ConsumerRecord<String, byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
      Record delivery = new Record(p, r);
      p.inFlight.add(delivery);
      try {
        receiver.receive(delivery);
      } catch (RuntimeException e) {
        log.error(
            "the receiver of {} failed on {}; left unacknowledged", topic, delivery.position(), e);
      }
    }
  }

  private void applyPause() {
    boolean want = pauseWanted;
    if (want != pausedNow) {
      Set<TopicPartition> assigned = consumer.assignment();
      if (want) {
        consumer.pause(assigned);
      } else {
        consumer.resume(assigned);
      }
      pausedNow = want;
    } else if (want) {
      consumer.pause(consumer.assignment()); // partitions assigned since the pause
    }
  }

  /** Commits, per partition, past the leading acknowledged records. */
  private void commitAcknowledged(boolean sync) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (Map.Entry<TopicPartition, Partition> e : partitions.entrySet()) {
      long next = -1;
      for (Record head; (head = e.getValue().inFlight.peek()) != null && head.acked; ) {
        e.getValue().inFlight.poll();
        next = head.record.offset() + 1;
      }
      if (next >= 0) {
        commits.put(e.getKey(), new OffsetAndMetadata(next));
      }
    }
    if (commits.isEmpty()) {
      return;
    }
    if (sync) {
      consumer.commitSync(commits);
    } else {
      consumer.commitAsync(
          commits,
          (offsets, error) -> {
            if (error != null) {
              log.warn("commit of {} failed; its records may be delivered again", offsets, error);
            }
          });
    }
  }

  /** Commits what was acknowledged before a partition leaves; the rest goes to its new owner. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      try {
        commitAcknowledged(true);
      } catch (RuntimeException e) {
        log.warn("commit before losing {} failed", revoked, e);
      }
      for (TopicPartition tp : revoked) {
        Partition p = partitions.remove(tp);
        if (p != null) {
          p.revoked = true;
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      if (pausedNow) {
        consumer.pause(assigned);
      }
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
