package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.remote.RemoteStepContract;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Remote steps over Redis Streams on a real Redis on 127.0.0.1: calls on a stream per agent read by
 * the workers group (a call a worker left is claimed after 300 ms), replies read with {@code XREAD}
 * by every orchestrator node.
 */
class RedisRemoteStepTest extends RemoteStepContract {
  private static LocalRedis local;

  @BeforeAll
  static void startServer() throws IOException {
    local = LocalRedis.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (local != null) {
      local.close();
    }
  }

  @Override
  protected Transport transport(String node, int batch) {
    return RedisStreamsTransport.open(local.client(), node, Duration.ofMillis(300), batch);
  }

  @Override
  protected dev.firebreak.runtime.CheckpointStore durableStore(String node) {
    return RedisStore.open(
        local.client(),
        topics.replies() + ":",
        null,
        node,
        Duration.ofSeconds(6),
        java.time.Clock.systemUTC());
  }

  @Override
  protected void createTopics(String... names) {
    // Streams are made by their first entry or group.
  }
}
