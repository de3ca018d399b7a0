package dev.firebreak.runtime.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Rounds of three {@link ClusterWorker} JVMs on one PostgreSQL store. In each round, once the nodes
 * are busy, one is SIGKILLed and never restarted, another SIGSTOPped for {@link #PAUSE} (past its 6
 * s lease) and then resumed; nobody calls resume. The harness measures how long each one's runs
 * stayed owned by it, then checks the store and the ledger:
 *
 * <ul>
 *   <li>lost: runs opened in the store that did not complete;
 *   <li>rerun_checkpointed: agent calls of a step whose checkpoint was already committed;
 *   <li>stale_owner_steps: agent calls by a node that did not own the run at that moment;
 *   <li>duplicate_effects: (run, step) pairs applied under two idempotency keys;
 *   <li>failover: from the kill to the moment no unfinished run is owned by the killed node;
 *   <li>paused_runs_taken: of the runs the paused node held when stopped, those another node had
 *       taken over when it resumed (the others were locked by its own unfinished write, or ended by
 *       it just before the stop; it keeps them).
 * </ul>
 */
final class ClusterHarness {
  /** How long the paused node stays stopped: past its lease (6 s) and one sweep. */
  static final long PAUSE = TimeUnit.SECONDS.toNanos(10);

  /** What the rounds saw. */
  record Report(
      int rounds,
      int runs,
      int lost,
      int rerunCheckpointed,
      int staleOwnerSteps,
      int duplicateEffects,
      List<Double> killFailovers,
      int pausedHeld,
      int pausedTaken) {
    @Override
    public String toString() {
      return "nodes=3 runs="
          + runs
          + " lost="
          + lost
          + " rerun_checkpointed="
          + rerunCheckpointed
          + " stale_owner_steps="
          + staleOwnerSteps
          + " duplicate_effects="
          + duplicateEffects
          + String.format(
              " failover_max_s=%.1f failover_p50_s=%.1f kills=%d paused_runs_taken=%d/%d",
              max(killFailovers), median(killFailovers), rounds, pausedTaken, pausedHeld);
    }
  }

  private ClusterHarness() {}

  /**
   * One round in which no node fails but the store restarts: {@code restart} stops PostgreSQL and
   * starts it again on the same data, once the nodes are busy.
   */
  static Report runWithStoreRestart(
      String storeUrl, String ledgerUrl, Path logs, int runsPerNode, Runnable restart)
      throws Exception {
    Files.createDirectories(logs);
    createLedger(ledgerUrl);
    List<Process> nodes = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      nodes.add(
          start(
              storeUrl,
              ledgerUrl,
              "restart-",
              n * runsPerNode,
              runsPerNode,
              logs.resolve("restart-node" + n + ".log")));
    }
    for (int n = 0; n < 3; n++) {
      nodeId(logs.resolve("restart-node" + n + ".log"));
    }
    Thread.sleep(1500);
    int inFlight;
    try (Connection c = DriverManager.getConnection(storeUrl);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM firebreak_run WHERE status IN ('RUNNING', 'PARKED')")) {
      rs.next();
      inFlight = rs.getInt(1);
    }
    if (inFlight == 0) {
      throw new IllegalStateException("the nodes had no run in flight when the store restarted");
    }
    System.out.println("runs in flight when the store stopped: " + inFlight);
    restart.run();
    for (Process p : nodes) {
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
    }
    return check(storeUrl, ledgerUrl, 0, List.of(), 0, 0, List.of());
  }

  private static void createLedger(String ledgerUrl) throws SQLException {
    try (Connection ledger = DriverManager.getConnection(ledgerUrl);
        Statement s = ledger.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS execution (run TEXT NOT NULL, step TEXT NOT NULL,"
              + " node TEXT NOT NULL, stale BOOLEAN NOT NULL, rerun BOOLEAN NOT NULL,"
              + " entry_ms BIGINT NOT NULL)");
      s.execute(
          "CREATE TABLE IF NOT EXISTS effect (idem_key TEXT PRIMARY KEY, run TEXT NOT NULL,"
              + " step TEXT NOT NULL)");
      s.execute("CREATE TABLE IF NOT EXISTS lapse (node TEXT NOT NULL, at_ms BIGINT NOT NULL)");
    }
  }

  static Report run(String storeUrl, String ledgerUrl, Path logs, int rounds, int runsPerNode)
      throws Exception {
    Files.createDirectories(logs);
    createLedger(ledgerUrl);
    Random random = new Random(20261201L);
    List<Double> kills = new ArrayList<>();
    int pausedHeld = 0;
    int pausedTaken = 0;
    List<Object[]> paused = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      String prefix = "r" + round + "-";
      List<Process> nodes = new ArrayList<>();
      List<Path> outputs = new ArrayList<>();
      for (int n = 0; n < 3; n++) {
        Path out = logs.resolve(prefix + "node" + n + ".log");
        outputs.add(out);
        nodes.add(start(storeUrl, ledgerUrl, prefix, n * runsPerNode, runsPerNode, out));
      }
      List<String> ids = new ArrayList<>();
      for (Path out : outputs) {
        ids.add(nodeId(out));
      }
      Thread.sleep(1000 + random.nextInt(1000));
      List<Integer> roles = new ArrayList<>(List.of(0, 1, 2));
      Collections.shuffle(roles, random);
      int victim = roles.get(0);
      int sleeper = roles.get(1);
      long killedAt = System.nanoTime();
      nodes.get(victim).destroyForcibly().waitFor();
      long stoppedAt = System.nanoTime();
      signal("STOP", nodes.get(sleeper));
      // Once `kill` has returned the node is stopped: a call it begins later began after the stop.
      paused.add(new Object[] {ids.get(sleeper), System.currentTimeMillis()});
      List<String> held = heldBy(storeUrl, ids.get(sleeper));
      pausedHeld += held.size();
      Double kill = null;
      boolean resumed = false;
      while (!resumed || kill == null) {
        if (System.nanoTime() - killedAt > TimeUnit.MINUTES.toNanos(2)) {
          break;
        }
        if (kill == null && heldBy(storeUrl, ids.get(victim)).isEmpty()) {
          kill = (System.nanoTime() - killedAt) / 1e9;
        }
        if (!resumed && System.nanoTime() - stoppedAt >= PAUSE) {
          List<String> stillHeld = heldBy(storeUrl, ids.get(sleeper));
          pausedTaken += (int) held.stream().filter(id -> !stillHeld.contains(id)).count();
          signal("CONT", nodes.get(sleeper));
          resumed = true;
        }
        Thread.sleep(100);
      }
      signal("CONT", nodes.get(sleeper));
      for (Process p : nodes) {
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
          p.destroyForcibly();
        }
      }
      kills.add(kill == null ? Double.NaN : kill);
    }
    return check(storeUrl, ledgerUrl, rounds, kills, pausedHeld, pausedTaken, paused);
  }

  private static Process start(
      String storeUrl, String ledgerUrl, String prefix, int first, int runs, Path out)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            ClusterWorker.class.getName(),
            storeUrl,
            ledgerUrl,
            prefix,
            Integer.toString(first),
            Integer.toString(runs))
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
  }

  /** The node id the worker printed first, once it is up. */
  private static String nodeId(Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(out)) {
        for (String line : Files.readAllLines(out)) {
          if (line.startsWith("node ")) {
            return line.substring(5);
          }
        }
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the worker did not start: " + Files.readString(out));
  }

  private static void signal(String signal, Process p) throws Exception {
    if (p.isAlive()) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
    }
  }

  /** The unfinished runs {@code node} owns now. */
  private static List<String> heldBy(String storeUrl, String node) throws SQLException {
    try (Connection c = DriverManager.getConnection(storeUrl);
        PreparedStatement q =
            c.prepareStatement(
                "SELECT run_id FROM firebreak_run WHERE owner = ?"
                    + " AND status IN ('RUNNING', 'PARKED')")) {
      q.setString(1, node);
      List<String> ids = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    }
  }

  /**
   * Counts what went wrong. The paused node stops at an arbitrary instruction: a call it had begun,
   * or whose attempt had passed the fence, before the stop reaches its agent after the resume. Its
   * node lost the run meanwhile; the new owner ran the step again (it had no checkpoint yet), and
   * the old call's write is refused. Such calls are left out of stale_owner_steps and
   * rerun_checkpointed: those count every call the paused node began after the heartbeat that ended
   * its lapse (when the fence has confirmed its runs), and every call of the other nodes.
   */
  private static Report check(
      String storeUrl,
      String ledgerUrl,
      int rounds,
      List<Double> kills,
      int pausedHeld,
      int pausedTaken,
      List<Object[]> paused)
      throws SQLException {
    int runs;
    int lost;
    try (Connection c = DriverManager.getConnection(storeUrl);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(*) FILTER (WHERE status <> 'COMPLETED') FROM firebreak_run"
                    + " WHERE workflow = 'cluster.Orders'")) {
      rs.next();
      runs = rs.getInt(1);
      lost = rs.getInt(2);
    }
    try (Connection c = DriverManager.getConnection(storeUrl);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT run_id, status, owner, (SELECT count(*) FROM firebreak_step t"
                    + " WHERE t.run_id = r.run_id) FROM firebreak_run r"
                    + " WHERE workflow = 'cluster.Orders' AND status <> 'COMPLETED' LIMIT 10")) {
      while (rs.next()) {
        System.out.println(
            "not completed: "
                + rs.getString(1)
                + " "
                + rs.getString(2)
                + " owner "
                + rs.getString(3)
                + ", steps "
                + rs.getInt(4));
      }
    }
    try (Connection c = DriverManager.getConnection(ledgerUrl)) {
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TEMPORARY TABLE paused (node TEXT NOT NULL, stopped_ms BIGINT NOT NULL)");
      }
      try (PreparedStatement p = c.prepareStatement("INSERT INTO paused VALUES (?, ?)")) {
        for (Object[] pause : paused) {
          p.setString(1, (String) pause[0]);
          p.setLong(2, (Long) pause[1]);
          p.addBatch();
        }
        p.executeBatch();
      }
      String begunAfterAnyStop =
          " AND NOT EXISTS (SELECT 1 FROM paused p WHERE p.node = e.node"
              + " AND e.entry_ms < coalesce((SELECT min(l.at_ms) FROM lapse l"
              + " WHERE l.node = p.node AND l.at_ms >= p.stopped_ms), 9223372036854775807))";
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT node, run, step, stale, rerun, entry_ms FROM execution e"
                      + " WHERE (stale OR rerun)"
                      + begunAfterAnyStop
                      + " LIMIT 10")) {
        while (rs.next()) {
          System.out.println(
              "suspect: node "
                  + rs.getString(1)
                  + " run "
                  + rs.getString(2)
                  + " step "
                  + rs.getString(3)
                  + " stale "
                  + rs.getBoolean(4)
                  + " rerun "
                  + rs.getBoolean(5)
                  + " began "
                  + rs.getLong(6)
                  + "; paused "
                  + paused.stream().map(p -> p[0] + "@" + p[1]).toList());
        }
      }
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT (SELECT count(*) FROM execution e WHERE rerun"
                      + begunAfterAnyStop
                      + "), (SELECT count(*) FROM execution e WHERE stale"
                      + begunAfterAnyStop
                      + "), (SELECT count(*) FROM (SELECT run, step FROM effect GROUP BY run, step"
                      + " HAVING count(*) > 1) d)")) {
        rs.next();
        return new Report(
            rounds,
            runs,
            lost,
            rs.getInt(1),
            rs.getInt(2),
            rs.getInt(3),
            kills,
            pausedHeld,
            pausedTaken);
      }
    }
  }

  static double max(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
  }
}
