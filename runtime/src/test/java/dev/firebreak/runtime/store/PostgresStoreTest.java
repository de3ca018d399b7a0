package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.WorkflowStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server, started on 127.0.0.1 for this class and stopped after it. */
class PostgresStoreTest extends JdbcStoreContract {
  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;

  @BeforeAll
  static void startServer() throws Exception {
    postgres = EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
    dataSource = postgres.getPostgresDatabase();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected CheckpointStore newStore() throws Exception {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return PostgresStore.open(dataSource);
  }

  @Override
  protected CheckpointStore sameData(String owner, java.time.Duration lease, java.time.Clock clock) {
    return PostgresStore.open(dataSource, owner, lease, clock);
  }

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return ((PostgresStore) store).deadLetters();
  }

  @Test
  void openingTwiceMigratesOnceAndKeepsTheData() {
    store.open("r1", "wf", "process", "h", null);
    store.saveStep("r1", "a", new byte[] {5}, 1);
    PostgresStore again = PostgresStore.open(dataSource);
    assertEquals(WorkflowStatus.RUNNING, again.find("r1").orElseThrow().status());
    assertEquals(1, again.find("r1").orElseThrow().outputs().size());
  }
}
