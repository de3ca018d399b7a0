package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.remote.RemoteRestart;
import dev.firebreak.runtime.remote.RemoteTopics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis (append-only file, fsync always) restarted under remote calls in flight over Redis Streams:
 * every run completes, each effect once.
 */
class RedisRemoteRestartTest {
  @TempDir Path dir;

  @Test
  void aRedisRestartUnderRemoteCallsLosesNoneAndRepeatsNoEffect() throws Exception {
    try (LocalRedis local = LocalRedis.appendOnly(dir)) {
      int[] members = {0};
      RemoteRestart.Outcome outcome =
          RemoteRestart.run(
              () ->
                  RedisStreamsTransport.open(
                      local.client(), "member-" + ++members[0], Duration.ofSeconds(2), 16),
              new RemoteTopics("calls.", "workers.", "replies"),
              () -> {
                try {
                  local.stopServer();
                  Thread.sleep(1000); // away: calls, replies and reads meet the outage
                  local.startServer();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertEquals("lost=0 duplicate_effects=0", outcome.ledger());
      assertEquals(100, outcome.completed());
      assertTrue(outcome.endedBeforeRestart() < 50, "mid-batch: " + outcome.endedBeforeRestart());
    }
  }
}
