package dev.firebreak.runtime.postgres;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.remote.CallRecords;
import dev.firebreak.runtime.remote.CallRecordsContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The call records' rules in PostgreSQL, on an embedded server on 127.0.0.1. */
class PostgresCallRecordsTest extends CallRecordsContract {
  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;
  private static int tables;

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
  protected CallRecords open() {
    return PostgresCallRecords.open(dataSource, "calls_" + ++tables);
  }

  @Test
  void aTableNameThatIsNotAPlainSqlNameIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PostgresCallRecords.open(dataSource, "calls; DROP TABLE x"));
    assertTrue(e.getMessage().contains("lower-case SQL name"), e.getMessage());
  }
}
