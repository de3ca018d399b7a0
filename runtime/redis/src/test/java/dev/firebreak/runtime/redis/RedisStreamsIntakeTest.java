package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.bus.Transport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Redis as bus and store (the small end of the sizing table): the intake contract on Redis Streams
 * and the Redis store, on a real Redis on 127.0.0.1. A member that leaves holding requests has them
 * claimed after {@code claimAfter} (300 ms here).
 */
class RedisStreamsIntakeTest extends IntakeContract {
  private static LocalRedis local;
  private static RedisClient redis;

  @BeforeAll
  static void startServer() throws IOException {
    local = LocalRedis.start();
    redis = local.client();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (local != null) {
      local.close();
    }
  }

  @Override
  protected Transport transport(String node, int batch) {
    return RedisStreamsTransport.open(redis, node, Duration.ofMillis(300), batch);
  }

  @Override
  protected CheckpointStore store(String node) {
    return RedisStore.open(redis, ns + ":", null, node, Duration.ofSeconds(6), Clock.systemUTC());
  }

  @Override
  protected void createTopics(String... topics) {
    // Streams are made by their first entry or group.
  }

  @Override
  protected void publishRaw(String topic, String key, String value) {
    Map<String, String> fields = new HashMap<>();
    if (key != null) {
      fields.put("k", key);
    }
    fields.put("v", value);
    redis.xadd(topic, XAddParams.xAddParams(), fields);
  }

  @Override
  protected Map<String, List<String>> published(String topic) {
    Map<String, List<String>> byKey = new HashMap<>();
    for (StreamEntry e : redis.xrange(topic, (StreamEntryID) null, (StreamEntryID) null)) {
      byKey
          .computeIfAbsent(e.getFields().get("k"), k -> new java.util.ArrayList<>())
          .add(e.getFields().get("v"));
    }
    return byKey;
  }

  @Override
  protected long unacknowledged(String topic, String group) {
    return redis.xpending(topic, group).getTotal();
  }
}
