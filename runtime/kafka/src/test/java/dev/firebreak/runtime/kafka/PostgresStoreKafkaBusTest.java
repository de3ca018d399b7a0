package dev.firebreak.runtime.kafka;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.postgres.PostgresStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The top of the sizing table: runs in PostgreSQL, messages on Kafka. A database per test. */
class PostgresStoreKafkaBusTest extends KafkaIntakeTest {
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws IOException {
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
  }

  @AfterAll
  static void stopPostgres() throws IOException {
    if (postgres != null) {
      postgres.close();
    }
  }

  private String database() {
    return ns.replace('-', '_');
  }

  @BeforeEach
  void createDatabase() throws SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database());
    }
  }

  @Override
  protected CheckpointStore store(String node) {
    return PostgresStore.open(
        postgres.getDatabase("postgres", database()),
        node,
        Duration.ofSeconds(6),
        Clock.systemUTC());
  }
}
