package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.redis.RedisStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/** The middle of the sizing table: runs in Redis, messages on Kafka. */
class RedisStoreKafkaBusTest extends KafkaIntakeTest {
  private static RedisServer server;
  private static RedisClient redis;

  @BeforeAll
  static void startRedis() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    server =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("appendonly no")
            .build();
    server.start();
    redis = RedisClient.create("127.0.0.1", port);
  }

  @AfterAll
  static void stopRedis() throws IOException {
    if (redis != null) {
      redis.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @Override
  protected CheckpointStore store(String node) {
    return RedisStore.open(redis, ns + ":", null, node, Duration.ofSeconds(6), Clock.systemUTC());
  }
}
