package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.remote.RemoteRestart;
import dev.firebreak.runtime.remote.RemoteTopics;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * Redis (append-only file, fsync always) restarted under remote calls in flight over Redis Streams:
 * every run completes, each effect once.
 */
class RedisRemoteRestartTest {
  @TempDir Path dir;

  @Test
  void aRedisRestartUnderRemoteCallsLosesNoneAndRepeatsNoEffect() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    RedisServer server =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("dir " + dir)
            .setting("appendonly yes")
            .setting("appendfsync always")
            .build();
    server.start();
    try (RedisClient redis = RedisClient.create("127.0.0.1", port)) {
      int[] members = {0};
      RemoteRestart.Outcome outcome =
          RemoteRestart.run(
              () ->
                  RedisStreamsTransport.open(
                      redis, "member-" + ++members[0], Duration.ofSeconds(2), 16),
              new RemoteTopics("calls.", "workers.", "replies"),
              () -> {
                try {
                  server.stop();
                  Thread.sleep(1000); // away: calls, replies and reads meet the outage
                  server.start();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertEquals("lost=0 duplicate_effects=0", outcome.ledger());
      assertEquals(100, outcome.completed());
      assertTrue(outcome.endedBeforeRestart() < 50, "mid-batch: " + outcome.endedBeforeRestart());
    } finally {
      server.stop();
    }
  }
}
