package dev.firebreak.runtime.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * Three node JVMs on one embedded PostgreSQL (127.0.0.1): in each round one is SIGKILLed and never
 * restarted, one SIGSTOPped past its lease and resumed, and nobody calls resume. The CI run is one
 * round; the long run: {@code mvn -pl runtime/postgres test -Dtest=ClusterTest
 * -Dfirebreak.cluster.rounds=100 -Djunit.jupiter.execution.timeout.default=3h}.
 */
class ClusterTest {
  @Test
  void nodesThatDieOrPauseLoseNothingAndRunNothingTwice() throws Exception {
    int rounds = Integer.getInteger("firebreak.cluster.rounds", 1);
    int runsPerNode = Integer.getInteger("firebreak.cluster.runsPerNode", 600);
    try (EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "300")
            .start()) {
      try (Connection c = postgres.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE firebreak_ledger");
      }
      ClusterHarness.Report report =
          ClusterHarness.run(
              postgres.getJdbcUrl("postgres", "postgres"),
              postgres.getJdbcUrl("postgres", "firebreak_ledger"),
              Path.of("target", "cluster-logs"),
              rounds,
              runsPerNode);
      System.out.println(report);
      assertTrue(report.runs() > 0, report.toString());
      assertEquals(0, report.lost(), report.toString());
      assertEquals(0, report.rerunCheckpointed(), report.toString());
      assertEquals(0, report.staleOwnerSteps(), report.toString());
      assertEquals(0, report.duplicateEffects(), report.toString());
      assertTrue(
          ClusterHarness.max(report.killFailovers()) <= 10.0,
          "a dead node's runs run elsewhere within 10 s: " + report);
    }
  }

  /**
   * The store restarts under three busy nodes (stopped, then started on the same data and port);
   * the side-effect ledger lives in a second server that stays up. Runs wait and go on.
   */
  @Test
  void aStoreRestartedMidBatchCostsAWaitNotARun() throws Exception {
    Path data = Files.createTempDirectory("firebreak-pg-restart");
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    EmbeddedPostgres.Builder store =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "300")
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(port);
    EmbeddedPostgres[] running = {store.start()};
    try (EmbeddedPostgres ledger =
        EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start()) {
      ClusterHarness.Report report =
          ClusterHarness.runWithStoreRestart(
              running[0].getJdbcUrl("postgres", "postgres"),
              ledger.getJdbcUrl("postgres", "postgres"),
              Path.of("target", "cluster-logs"),
              400,
              () -> {
                try {
                  running[0].close();
                  Thread.sleep(1000);
                  running[0] = store.start();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      System.out.println("store restarted: " + report);
      assertTrue(report.runs() > 0, report.toString());
      assertEquals(0, report.lost(), report.toString());
      assertEquals(0, report.rerunCheckpointed(), report.toString());
      assertEquals(0, report.staleOwnerSteps(), report.toString());
      assertEquals(0, report.duplicateEffects(), report.toString());
    } finally {
      running[0].close();
      deleteRecursively(data);
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
