package dev.firebreak.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.postgres.PostgresStore;
import dev.firebreak.runtime.redis.RedisStore;
import dev.firebreak.runtime.store.SqliteStore;
import dev.firebreak.spring.trip.TripApplication;
import dev.firebreak.spring.trip.TripDesk;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import redis.embedded.RedisServer;

/**
 * {@code firebreak.store}: PostgreSQL from the application's DataSource, Redis from a URL, SQLite
 * otherwise, each on a real server on 127.0.0.1; a store named but unavailable stops the start.
 */
class StoreSelectionTest {
  private static EmbeddedPostgres postgres;
  private static RedisServer redis;
  private static int redisPort;

  @TempDir Path dir;

  @BeforeAll
  static void startServers() throws IOException {
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    try (ServerSocket free = new ServerSocket(0)) {
      redisPort = free.getLocalPort();
    }
    redis =
        RedisServer.newRedisServer()
            .port(redisPort)
            .setting("bind 127.0.0.1")
            .setting("appendonly no")
            .build();
    redis.start();
  }

  @AfterAll
  static void stopServers() throws IOException {
    if (redis != null) {
      redis.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** The application's own DataSource, as a user's {@code @Bean} would be. */
  @Configuration(proxyBeanMethods = false)
  static class PostgresDataSource {
    @Bean
    DataSource dataSource() {
      return postgres.getPostgresDatabase();
    }
  }

  private ConfigurableApplicationContext start(String... properties) {
    return start(TripApplication.class, properties);
  }

  private ConfigurableApplicationContext start(Class<?> app, String... properties) {
    return new SpringApplicationBuilder(TripApplication.class, app)
        .properties(
            "firebreak.sqlite-path=" + dir.resolve("trips.db"), "spring.main.banner-mode=off")
        .properties(properties)
        .run();
  }

  /** Books a trip and reads it back from the store through the runs API. */
  private static FirebreakRuntime bookOn(ConfigurableApplicationContext context, String tripId) {
    assertEquals(
        WorkflowStatus.COMPLETED, context.getBean(TripDesk.class).book(tripId, "Oslo").status());
    FirebreakRuntime runtime = context.getBean(FirebreakRuntime.class);
    assertEquals(
        WorkflowStatus.COMPLETED, runtime.runs().find(tripId).orElseThrow().run().status());
    return runtime;
  }

  @Test
  void anApplicationWithADataSourceKeepsItsRunsInPostgres() throws Exception {
    try (ConfigurableApplicationContext context =
        start(
            PostgresDataSource.class,
            "firebreak.lease-duration=9s",
            "firebreak.node-id=pg-node-1")) {
      FirebreakRuntime runtime = bookOn(context, "pg-trip");
      assertInstanceOf(PostgresStore.class, runtime.checkpointStore());
      assertEquals(Duration.ofSeconds(9), runtime.checkpointStore().leaseDuration());
      assertEquals("pg-node-1", runtime.nodeId());
    }
    try (var c = postgres.getPostgresDatabase().getConnection();
        var rs =
            c.createStatement()
                .executeQuery("SELECT status FROM firebreak_run WHERE run_id = 'pg-trip'")) {
      assertTrue(rs.next(), "the run is in PostgreSQL's table");
      assertEquals("COMPLETED", rs.getString(1));
    }
  }

  @Test
  void aRedisUrlKeepsTheRunsInRedis() {
    try (ConfigurableApplicationContext context =
        start(
            "firebreak.redis.url=redis://127.0.0.1:" + redisPort,
            "firebreak.redis.namespace=trips:")) {
      FirebreakRuntime runtime = bookOn(context, "redis-trip");
      assertInstanceOf(RedisStore.class, runtime.checkpointStore());
    }
    try (var client =
        FirebreakStoreConfiguration.RedisClients.of(
            java.net.URI.create("redis://127.0.0.1:" + redisPort))) {
      assertTrue(
          client.keys("trips:*").stream().anyMatch(k -> k.contains("redis-trip")),
          "the run's keys are under the namespace");
    }
  }

  @Test
  void sqliteIsChosenByNameEvenWithADataSource() {
    try (ConfigurableApplicationContext context =
        start(PostgresDataSource.class, "firebreak.store=sqlite")) {
      FirebreakRuntime runtime = bookOn(context, "sqlite-trip");
      assertInstanceOf(SqliteStore.class, runtime.checkpointStore());
    }
    assertTrue(dir.resolve("trips.db").toFile().length() > 0);
  }

  @Test
  void aStoreNamedButUnavailableStopsTheStartSayingWhatIsMissing() {
    String postgresWithout = startFailure("firebreak.store=postgres");
    assertTrue(
        postgresWithout.contains(
            "firebreak.store=postgres: the application has no DataSource bean"),
        postgresWithout);
    String redisWithout = startFailure("firebreak.store=redis");
    assertTrue(
        redisWithout.contains(
            "firebreak.store=redis: set firebreak.redis.url, or give the application a UnifiedJedis"),
        redisWithout);
    String badUrl = startFailure("firebreak.store=redis", "firebreak.redis.url=http://x:1");
    assertTrue(badUrl.contains("firebreak.redis.url is not a redis:// or rediss:// URL"), badUrl);
    String nobody =
        startFailure("firebreak.redis.url=redis://u:secret@127.0.0.1:" + freePort() + "/0");
    assertTrue(
        nobody.contains("firebreak.store=redis: cannot open the store at redis://127.0.0.1:"),
        nobody);
    assertTrue(!nobody.contains("secret"), "the password stays out of the message: " + nobody);
    String unparsable = startFailure("firebreak.redis.url=redis://u:se cret@127.0.0.1:1");
    assertTrue(unparsable.contains("firebreak.redis.url is not a valid URI at index"), unparsable);
    assertTrue(!unparsable.contains("cret"), "nor when the URL does not parse: " + unparsable);
  }

  private static int freePort() {
    try (ServerSocket free = new ServerSocket(0)) {
      return free.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The messages of the exception that stopped a start, and of its causes. */
  private String startFailure(String... properties) {
    Exception refused = assertThrows(Exception.class, () -> start(properties).close());
    StringBuilder messages = new StringBuilder();
    for (Throwable t = refused; t != null; t = t.getCause()) {
      messages.append(t.getMessage()).append('\n');
    }
    return messages.toString();
  }
}
