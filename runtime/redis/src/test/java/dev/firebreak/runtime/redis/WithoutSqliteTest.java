package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * This module excludes sqlite-jdbc from firebreak-runtime, as a user of another store may: the
 * runtime works on Redis, and only the embedded default refuses, saying what to add.
 */
class WithoutSqliteTest {
  @TempDir Path dir;

  @Test
  void aRuntimeOnRedisNeedsNoSqliteDriverAndTheDefaultSaysWhatToAdd() throws Exception {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("org.sqlite.JDBC"));
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> FirebreakRuntime.builder().sqlite(dir.resolve("default.db")).build());
    assertTrue(refused.getMessage().contains("org.xerial:sqlite-jdbc"), refused.getMessage());

    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    RedisServer server = RedisServer.newRedisServer().port(port).setting("bind 127.0.0.1").build();
    server.start();
    try (RedisClient redis = RedisClient.create("127.0.0.1", port);
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .checkpointStore(RedisStore.open(redis, "firebreak:", Duration.ofMinutes(1)))
                .build()) {
      EntryPointPlan plan =
          new EntryPointPlan(
              "test.NoSqlite",
              "run",
              List.of("java.lang.String"),
              List.of(
                  StepDescriptor.builder("shout")
                      .inputs(0)
                      .timeout(Duration.ofSeconds(5))
                      .checkpointed(Codecs.STRING)
                      .build()),
              1,
              null,
              "hash-no-sqlite",
              List.of(Codecs.STRING),
              Codecs.STRING);
      var entry =
          runtime.bind(plan, List.of(StepBinding.sync((s, ctx) -> ((String) s[0]).toUpperCase())));
      var result = entry.<String>runForResult("r-1", "hello");
      assertEquals(WorkflowStatus.COMPLETED, result.status());
      assertEquals("HELLO", result.output());
      assertEquals(
          WorkflowStatus.COMPLETED, runtime.checkpointStore().find("r-1").orElseThrow().status());
    } finally {
      server.stop();
    }
  }
}
