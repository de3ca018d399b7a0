package dev.firebreak.runtime.crash;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Starts {@link CrashWorker} in a child JVM, SIGKILLs it at a random moment, and again, {@code
 * kills} times; then lets a last incarnation finish and checks the store and the ledger:
 *
 * <ul>
 *   <li>lost: runs that never reached a final state (or vanished from the store);
 *   <li>rerun_checkpointed: agent calls of a step whose checkpoint was already committed;
 *   <li>duplicate_effects: (run, step) pairs whose side effect was applied under two idempotency
 *       keys.
 * </ul>
 *
 * Usage: {@code CrashHarness <dir> <kills> <runs> [seed]}.
 */
public final class CrashHarness {
  /** What one harness run saw. */
  public record Report(
      int kills,
      int runs,
      int lost,
      int rerunCheckpointed,
      int duplicateEffects,
      int executions,
      int resumed) {
    @Override
    public String toString() {
      return "kills="
          + kills
          + " runs="
          + runs
          + " lost="
          + lost
          + " rerun_checkpointed="
          + rerunCheckpointed
          + " duplicate_effects="
          + duplicateEffects;
    }
  }

  private CrashHarness() {}

  public static void main(String[] args) throws Exception {
    Report report =
        run(
            Path.of(args[0]),
            Integer.parseInt(args[1]),
            Integer.parseInt(args[2]),
            args.length > 3 ? Long.parseLong(args[3]) : 1L);
    System.out.println(report);
    System.out.println("agent executions=" + report.executions() + " (3 per run without crashes)");
  }

  public static Report run(Path dir, int kills, int runs, long seed) throws Exception {
    return run(CrashWorker.class, dir, dir.resolve("store.db").toString(), kills, runs, seed);
  }

  /**
   * As above, with the worker main {@code workerMain} (which calls {@link CrashWorker#work}) on the
   * store {@code store}: a SQLite file or a JDBC URL.
   */
  public static Report run(
      Class<?> workerMain, Path dir, String store, int kills, int runs, long seed)
      throws Exception {
    Files.createDirectories(dir);
    Path ledger = dir.resolve("ledger.db");
    Random random = new Random(seed);
    int killed = 0;
    int finishedEarly = 0;
    while (killed < kills) {
      Process worker = start(workerMain, store, ledger, runs);
      // Past JVM start-up (~0.3 s here), into the work.
      long aliveMillis = 300 + random.nextInt(900);
      if (worker.waitFor(aliveMillis, TimeUnit.MILLISECONDS)) {
        finishedEarly++;
        if (finishedEarly > 3) {
          throw new IllegalStateException(
              "the worker keeps finishing before it can be killed: give it more runs");
        }
        continue;
      }
      worker.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no flush
      worker.waitFor(30, TimeUnit.SECONDS);
      killed++;
    }
    Process last = start(workerMain, store, ledger, runs);
    if (!last.waitFor(10, TimeUnit.MINUTES) || last.exitValue() != 0) {
      last.destroyForcibly();
      throw new IllegalStateException("the last worker did not finish cleanly: " + output(last));
    }
    return check(store, ledger, killed, runs);
  }

  private static Process start(Class<?> workerMain, String store, Path ledger, int runs)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=off",
            workerMain.getName(),
            store,
            ledger.toString(),
            Integer.toString(runs))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static String output(Process p) {
    return "exit " + (p.isAlive() ? "none (still running)" : p.exitValue());
  }

  private static Report check(String store, Path ledger, int kills, int runs) throws Exception {
    int lost;
    int resumed;
    try (Connection c = DriverManager.getConnection(CrashWorker.jdbcUrl(store));
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT count(*) FROM firebreak_run WHERE status = 'COMPLETED'")) {
        lost = runs - (rs.next() ? rs.getInt(1) : 0);
      }
    }
    int reruns;
    int duplicates;
    int executions;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + ledger);
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM rerun")) {
        reruns = rs.next() ? rs.getInt(1) : 0;
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM (SELECT run, step FROM effect GROUP BY run, step HAVING count(*) > 1)")) {
        duplicates = rs.next() ? rs.getInt(1) : 0;
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM execution")) {
        executions = rs.next() ? rs.getInt(1) : 0;
      }
      try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(resumed), 0) FROM incarnation")) {
        resumed = rs.next() ? rs.getInt(1) : 0;
      }
    }
    return new Report(kills, runs, lost, reruns, duplicates, executions, resumed);
  }
}
