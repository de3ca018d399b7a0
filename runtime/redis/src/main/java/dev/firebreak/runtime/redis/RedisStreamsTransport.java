package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Receiver;
import dev.firebreak.runtime.bus.Subscription;
import dev.firebreak.runtime.bus.Transport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The bus on Redis Streams: a topic is a stream, a record an entry with fields {@code k} (the key)
 * and {@code v} (the value, UTF-8 text such as JSON), a group a consumer group. Each subscription
 * reads with {@code XREADGROUP} on a thread of its own, as a consumer named by this process, and
 * takes over with {@code XAUTOCLAIM} the entries another consumer left unacknowledged for longer
 * than {@code claimAfter} (it died): so a request a crashed node held is delivered again within
 * about {@code claimAfter}. A live member claims what it still holds again every third of {@code
 * claimAfter}, so a long call stays its own. Acknowledging is {@code XACK}.
 */
public final class RedisStreamsTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(RedisStreamsTransport.class);
  private static final String KEY = "k";
  private static final String VALUE = "v";

  private final UnifiedJedis redis;
  private final String consumer;
  private final Duration claimAfter;
  private final int batch;
  private final List<Reader> readers = new CopyOnWriteArrayList<>();

  private RedisStreamsTransport(
      UnifiedJedis redis, String consumer, Duration claimAfter, int batch) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.claimAfter = Objects.requireNonNull(claimAfter, "claimAfter");
    if (claimAfter.toMillis() < 1 || batch < 1) {
      throw new IllegalArgumentException("claimAfter and batch must be positive");
    }
    this.batch = batch;
  }

  /**
   * A transport on {@code redis} whose subscriptions read as consumer {@code consumer} (unique per
   * process: a node id), take over entries left pending for {@code claimAfter} by other consumers,
   * and fetch up to {@code batch} entries at a time. The client stays the caller's.
   */
  public static RedisStreamsTransport open(
      UnifiedJedis redis, String consumer, Duration claimAfter, int batch) {
    return new RedisStreamsTransport(redis, consumer, claimAfter, batch);
  }

  @Override
  public CompletionStage<Void> publish(String topic, String key, byte[] value) {
    try {
      redis.xadd(
          topic,
          XAddParams.xAddParams(),
          Map.of(KEY, key, VALUE, new String(value, StandardCharsets.UTF_8)));
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public Subscription subscribe(String topic, String group, Receiver receiver) {
    try {
      redis.xgroupCreate(topic, group, new StreamEntryID(0, 0), true);
    } catch (JedisDataException e) {
      if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
        throw e;
      }
    }
    Reader reader = new Reader(topic, group, receiver);
    readers.add(reader);
    reader.thread.start();
    return reader;
  }

  @Override
  public Subscription listen(String topic, Receiver receiver) {
    List<StreamEntry> last = redis.xrevrange(topic, (StreamEntryID) null, (StreamEntryID) null, 1);
    Listener listener =
        new Listener(
            topic, receiver, last.isEmpty() ? new StreamEntryID(0, 0) : last.get(0).getID());
    readers.add(listener);
    listener.thread.start();
    return listener;
  }

  @Override
  public void close() {
    for (Reader r : readers) {
      r.close();
    }
  }

  /**
   * A listen: {@code XREAD} from the entry that was last when it began, outside any group; its
   * deliveries' acknowledgements do nothing.
   */
  private final class Listener extends Reader {
    private StreamEntryID after;

    Listener(String topic, Receiver receiver, StreamEntryID after) {
      super(topic, null, receiver);
      this.after = after;
    }

    @Override
    void readOnce() {
      List<Map.Entry<String, List<StreamEntry>>> read =
          redis.xread(XReadParams.xReadParams().count(batch).block(200), Map.of(topic, after));
      if (read != null) {
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
          for (StreamEntry entry : stream.getValue()) {
            after = entry.getID();
            if (closed) {
              return;
            }
            receiver.receive(new Entry(topic, null, entry, null));
          }
        }
      }
    }
  }

  /** One subscription's reading thread. */
  private class Reader implements Subscription {
    final String topic;
    final String group;
    final Receiver receiver;
    final Thread thread;
    volatile boolean paused;
    volatile boolean closed;
    long nextClaim = System.nanoTime();
    long nextTouch = System.nanoTime();

    /** Entries delivered here and not yet acknowledged: still this member's, never re-delivered. */
    final Set<StreamEntryID> held = ConcurrentHashMap.newKeySet();

    Reader(String topic, String group, Receiver receiver) {
      this.topic = topic;
      this.group = group;
      this.receiver = receiver;
      this.thread = new Thread(this::loop, "firebreak-redis-streams-" + topic);
      this.thread.setDaemon(true);
    }

    private void loop() {
      while (!closed) {
        try {
          touch();
          if (paused) {
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(20));
            continue;
          }
          readOnce();
        } catch (RuntimeException e) {
          if (closed) {
            return;
          }
          log.warn("reading stream {} as {}/{} failed; trying again", topic, group, consumer, e);
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(500));
        }
      }
    }

    /**
     * Every third of {@code claimAfter}, claims the entries still held here for this member again
     * ({@code XCLAIM ... JUSTID}), which resets their idle time: a long call is not taken by
     * another member while this one lives.
     */
    private void touch() {
      if (held.isEmpty() || System.nanoTime() - nextTouch < 0) {
        return;
      }
      nextTouch = System.nanoTime() + claimAfter.toNanos() / 3;
      redis.xclaimJustId(
          topic,
          group,
          consumer,
          0,
          XClaimParams.xClaimParams(),
          held.toArray(new StreamEntryID[0]));
    }

    /** Claims what other members left (now and then), then reads new entries as the group. */
    void readOnce() {
      if (System.nanoTime() - nextClaim >= 0) {
        claim();
        nextClaim = System.nanoTime() + claimAfter.toNanos() / 2;
      }
      List<Map.Entry<String, List<StreamEntry>>> read =
          redis.xreadGroup(
              group,
              consumer,
              XReadGroupParams.xReadGroupParams().count(batch).block(200),
              Map.of(topic, StreamEntryID.UNRECEIVED_ENTRY));
      if (read != null) {
        for (Map.Entry<String, List<StreamEntry>> stream : read) {
          deliver(stream.getValue());
        }
      }
    }

    /** Takes over the entries other consumers have held unacknowledged for {@code claimAfter}. */
    private void claim() {
      StreamEntryID from = new StreamEntryID(0, 0);
      do {
        Map.Entry<StreamEntryID, List<StreamEntry>> claimed =
            redis.xautoclaim(
                topic,
                group,
                consumer,
                claimAfter.toMillis(),
                from,
                XAutoClaimParams.xAutoClaimParams().count(batch));
        deliver(claimed.getValue());
        from = claimed.getKey();
      } while (!from.equals(new StreamEntryID(0, 0)) && !paused && !closed);
    }

    private void deliver(List<StreamEntry> entries) {
      for (StreamEntry entry : entries) {
        if (closed) {
          return;
        }
        if (!held.add(entry.getID())) {
          continue; // claimed back from this member itself: still in flight here
        }
        receiver.receive(new Entry(topic, group, entry, held));
      }
    }

    @Override
    public void pause() {
      paused = true;
    }

    @Override
    public void resume() {
      paused = false;
      LockSupport.unpark(thread);
    }

    @Override
    public void close() {
      closed = true;
      LockSupport.unpark(thread);
      readers.remove(this);
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One stream entry as a delivery. */
  private final class Entry implements Delivery {
    final String topic;
    final String group;
    final StreamEntry entry;
    final Set<StreamEntryID> held;

    Entry(String topic, String group, StreamEntry entry, Set<StreamEntryID> held) {
      this.topic = topic;
      this.group = group;
      this.entry = entry;
      this.held = held;
    }

    @Override
    public String topic() {
      return topic;
    }

    @Override
    public String key() {
      return entry.getFields() == null ? null : entry.getFields().get(KEY);
    }

    @Override
    public byte[] value() {
      String v = entry.getFields() == null ? null : entry.getFields().get(VALUE);
      return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String position() {
      return entry.getID().toString();
    }

    @Override
    public void ack() {
      if (group != null) { // null: a listen's entry, outside any group
        try {
          redis.xack(topic, group, entry.getID());
        } finally {
          // Not held any more even if XACK failed: then it is claimed after claimAfter and
          // delivered again (its run attaches, its call is answered from the record).
          held.remove(entry.getID());
        }
      }
    }
  }
}
