package dev.firebreak.runtime.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.firebreak.runtime.crash.CrashHarness;
import dev.firebreak.runtime.crash.CrashWorker;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test on PostgreSQL: worker JVMs on one embedded server (127.0.0.1) are SIGKILLed at
 * random moments (default 20 times) and restarted; nothing may be lost, re-run or applied twice.
 */
class PostgresCrashTest {
  @TempDir Path dir;

  /** The worker JVM: {@link CrashWorker} on a {@link PostgresStore}. */
  public static final class Worker {
    private Worker() {}

    public static void main(String[] args) throws Exception {
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setUrl(args[0]);
      CrashWorker.work(
          PostgresStore.open(ds), args[0], Path.of(args[1]), Integer.parseInt(args[2]));
    }
  }

  @Test
  void killNineOnPostgresNeverLosesRerunsOrDuplicatesWork() throws Exception {
    int kills = Integer.getInteger("firebreak.crash.pgKills", 20);
    int runs = Integer.getInteger("firebreak.crash.pgRuns", 100 * kills);
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      CrashHarness.Report report = CrashHarness.run(Worker.class, dir, url, kills, runs, 20261125L);
      System.out.println(
          "postgres: "
              + report
              + " executions="
              + report.executions()
              + " resumed_runs="
              + report.resumed());
      assertEquals(kills, report.kills());
      assertEquals(0, report.lost(), report.toString());
      assertEquals(0, report.rerunCheckpointed(), report.toString());
      assertEquals(0, report.duplicateEffects(), report.toString());
    }
  }
}
