package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.redis.LocalRedis;
import dev.firebreak.runtime.redis.RedisStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The middle of the sizing table: runs in Redis, messages on Kafka. */
class RedisStoreKafkaBusTest extends KafkaIntakeTest {
  private static LocalRedis local;

  @BeforeAll
  static void startRedis() throws IOException {
    local = LocalRedis.start();
  }

  @AfterAll
  static void stopRedis() throws IOException {
    if (local != null) {
      local.close();
    }
  }

  @Override
  protected CheckpointStore store(String node) {
    return RedisStore.open(
        local.client(), ns + ":", null, node, Duration.ofSeconds(6), Clock.systemUTC());
  }
}
