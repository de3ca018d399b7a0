package dev.firebreak.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes read one topic of requests; one is killed (SIGKILL) mid-batch. Its partitions move to
 * the others at the rebalance and its runs are taken over at its lease's end. The ledger, a SQLite
 * file outside the store where each execution of the (checkpointed) step writes its run id and
 * node, judges: every request's run completes ({@code lost=0}), and no run is executed by two nodes
 * unless the first was the killed one ({@code duplicate_starts=0}).
 */
class KafkaCrashTest {
  private static final int REQUESTS = 300;

  @TempDir Path dir;

  @Test
  void aNodeKilledMidBatchLosesNoRequestAndStartsNoRunTwice() throws Exception {
    KafkaBroker broker = KafkaBroker.shared();
    String topic = "crash-" + System.nanoTime();
    broker.createTopics(6, topic, topic + "-results");
    Path store = dir.resolve("store.db");
    Path ledger = dir.resolve("ledger.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("CREATE TABLE executions (run_id TEXT NOT NULL, node TEXT NOT NULL)");
    }
    List<Process> nodes = new ArrayList<>();
    try {
      for (String node : List.of("node-1", "node-2", "node-3")) {
        nodes.add(start(broker.bootstrapServers(), store, ledger, node, topic));
      }
      try (Topics topics = new Topics(broker.bootstrapServers())) {
        for (int i = 0; i < REQUESTS; i++) {
          topics.publish(topic, String.format("req-%04d", i), "[\"r" + i + "\"]");
        }
      }
      await(() -> executions(ledger).size() >= 20, 60, "20 executions before the kill");
      Process victim = nodes.get(1);
      victim.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back, no commit
      assertTrue(victim.waitFor(30, TimeUnit.SECONDS));

      await(
          () -> completed(store) == REQUESTS,
          120,
          "every request's run completed",
          () -> statuses(store) + " executions=" + executions(ledger).size() + logs(store));
      Map<String, List<String>> byRun = new HashMap<>();
      for (String[] e : executions(ledger)) {
        byRun.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e[1]);
      }
      int lost = REQUESTS - completed(store);
      int duplicateStarts = 0;
      int takenOver = 0;
      for (List<String> ran : byRun.values()) {
        // Every execution but the last must have been the killed node's: only its death lets a
        // run run again.
        List<String> earlier = ran.subList(0, ran.size() - 1);
        if (earlier.stream().anyMatch(n -> !n.equals("node-2"))) {
          duplicateStarts++;
        } else if (!earlier.isEmpty()) {
          takenOver++;
        }
      }
      Map<String, Integer> byNode = new java.util.TreeMap<>();
      for (String[] e : executions(ledger)) {
        byNode.merge(e[1], 1, Integer::sum);
      }
      String report =
          "lost="
              + lost
              + " duplicate_starts="
              + duplicateStarts
              + " rerun_after_kill="
              + takenOver
              + " executions_by_node="
              + byNode;
      System.out.println("kafka intake crash: " + report + " runs=" + byRun.size());
      assertEquals(
          "lost=0 duplicate_starts=0", "lost=" + lost + " duplicate_starts=" + duplicateStarts);
      assertEquals(REQUESTS, byRun.size(), "every run's step ran");
      // Each node runs 10 a second at most: killed early, node-2 cannot have run its third of the
      // requests, so the rest of its partitions went to the others.
      int killedRan = byNode.getOrDefault("node-2", 0);
      assertTrue(killedRan > 0 && killedRan < REQUESTS / 6, "killed mid-batch: " + report);
    } finally {
      for (Process p : nodes) {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts a node whose output goes to {@code <node>.log} beside the store; waits for READY. */
  private static Process start(String bootstrap, Path store, Path ledger, String node, String topic)
      throws Exception {
    Path log = store.resolveSibling(node + ".log");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.dev.firebreak=info",
                "-cp",
                System.getProperty("java.class.path"),
                IntakeWorker.class.getName(),
                bootstrap,
                store.toString(),
                ledger.toString(),
                node,
                topic)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    await(
        () -> Files.exists(log) && Files.readString(log).contains("READY"),
        60,
        node + " ready",
        () -> Files.readString(log));
    return p;
  }

  private static List<String[]> executions(Path ledger) throws Exception {
    List<String[]> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT run_id, node FROM executions ORDER BY rowid")) {
      while (rs.next()) {
        rows.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    return rows;
  }

  private static int completed(Path store) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM firebreak_run WHERE status = 'COMPLETED'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private interface Check {
    boolean done() throws Exception;
  }

  private interface State {
    String get() throws Exception;
  }

  private static void await(Check check, int seconds, String what) throws Exception {
    await(check, seconds, what, () -> "");
  }

  private static void await(Check check, int seconds, String what, State state) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.done()) {
      if (System.nanoTime() >= until) {
        throw new AssertionError("not within " + seconds + " s: " + what + "; " + state.get());
      }
      Thread.sleep(50);
    }
  }

  /** Runs by status and owner, for a failure's message. */
  private static String statuses(Path store) throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT status, owner, count(*) FROM firebreak_run GROUP BY status, owner")) {
      while (rs.next()) {
        out.append(rs.getString(1) + "/" + rs.getString(2) + "=" + rs.getInt(3) + " ");
      }
    }
    return out.toString();
  }

  /** The nodes' logs, for a failure's message. */
  private static String logs(Path store) throws Exception {
    StringBuilder out = new StringBuilder();
    for (String node : List.of("node-1", "node-2", "node-3")) {
      Path log = store.resolveSibling(node + ".log");
      out.append("\n--- ").append(node).append('\n');
      if (Files.exists(log)) {
        String text = Files.readString(log);
        out.append(text, Math.max(0, text.length() - 3000), text.length());
      }
    }
    return out.toString();
  }
}
