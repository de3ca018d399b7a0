package dev.firebreak.runtime.crash;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link CrashHarness} kills: a runtime on a SQLite store running {@code runs}
 * three-step workflows, all steps checkpointed. Every agent call first checks whether its step's
 * checkpoint is already committed (that would be a re-run of a checkpointed step), then applies its
 * side effect to a separate ledger keyed by the step's idempotency key.
 *
 * <p>On start it resumes what a previous incarnation left unfinished, then starts the runs the
 * store does not know yet. Usage: {@code CrashWorker <store.db> <ledger.db> <runs>}; exits 0 once
 * every run has ended. Other stores' workers call {@link #work} from their own main.
 */
public final class CrashWorker {
  public static final List<String> STEPS = List.of("reserve", "charge", "ship");

  private CrashWorker() {}

  public static void main(String[] args) throws Exception {
    String storeUrl = jdbcUrl(args[0]);
    work(SqliteStore.open(Path.of(args[0])), storeUrl, Path.of(args[1]), Integer.parseInt(args[2]));
  }

  /**
   * The worker's life on {@code store}, whose database {@code storeUrl} names for the ledger's
   * checks: resumes what is unfinished, starts the runs the store does not know, and returns once
   * every run has ended. A worker main for another store calls this.
   */
  public static void work(CheckpointStore store, String storeUrl, Path ledgerFile, int runs)
      throws Exception {
    try (Ledger ledger = new Ledger(ledgerFile, storeUrl);
        FirebreakRuntime runtime = FirebreakRuntime.builder().checkpointStore(store).build()) {
      BoundEntryPoint entry = runtime.bind(plan(), bindings(ledger));
      List<CompletableFuture<?>> all = new ArrayList<>(runtime.resumeAll());
      ledger.incarnation(all.size());
      Semaphore inFlight = new Semaphore(32);
      java.util.Set<String> known = knownRuns(storeUrl);
      for (int i = 0; i < runs; i++) {
        String id = "run-" + i;
        if (known.contains(id)) {
          continue;
        }
        inFlight.acquire();
        CompletableFuture<?> run =
            entry
                .runAsyncForResult(id, id)
                .toCompletableFuture()
                .whenComplete((r, e) -> inFlight.release());
        all.add(run);
      }
      for (CompletableFuture<?> f : all) {
        f.get(5, TimeUnit.MINUTES);
      }
    }
    System.out.println("worker done");
  }

  /** A JDBC URL as given, or a SQLite file's. */
  static String jdbcUrl(String store) {
    return store.startsWith("jdbc:") ? store : "jdbc:sqlite:" + store;
  }

  private static java.util.Set<String> knownRuns(String storeUrl) throws SQLException {
    java.util.Set<String> known = new java.util.HashSet<>();
    try (Connection c = DriverManager.getConnection(storeUrl);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT run_id FROM firebreak_run")) {
      while (rs.next()) {
        known.add(rs.getString(1));
      }
    }
    return known;
  }

  static EntryPointPlan plan() {
    return plan("crash.Orders");
  }

  /**
   * The plan the crash and cluster tests run: {@link #STEPS}, each checkpointed, each taking the
   * previous one's output (the first takes the input), under the workflow name {@code workflow}.
   */
  public static EntryPointPlan plan(String workflow) {
    List<StepDescriptor> steps = new ArrayList<>();
    for (int i = 0; i < STEPS.size(); i++) {
      steps.add(
          StepDescriptor.builder(STEPS.get(i))
              .inputs(i)
              .timeout(Duration.ofSeconds(30))
              .checkpointed(Codecs.STRING)
              .build());
    }
    return new EntryPointPlan(
        workflow,
        "process",
        List.of("java.lang.String"),
        steps,
        STEPS.size(),
        Duration.ofMinutes(10),
        workflow.equals("crash.Orders") ? "crash-graph-1" : workflow + "-graph-1",
        List.of(Codecs.STRING),
        Codecs.STRING);
  }

  private static List<StepBinding> bindings(Ledger ledger) {
    List<StepBinding> bindings = new ArrayList<>();
    for (int i = 0; i < STEPS.size(); i++) {
      int slot = i;
      bindings.add(StepBinding.sync((s, ctx) -> ledger.apply(ctx, (String) s[slot])));
    }
    return bindings;
  }

  /** The side effects, in their own SQLite file, as an external system would keep them. */
  static final class Ledger implements AutoCloseable {
    private final Connection ledger;
    private final String storeUrl;
    private final java.util.concurrent.locks.ReentrantLock lock =
        new java.util.concurrent.locks.ReentrantLock();

    Ledger(Path ledgerFile, String storeUrl) throws SQLException {
      ledger = DriverManager.getConnection("jdbc:sqlite:" + ledgerFile);
      try (Statement s = ledger.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
        s.execute(
            "CREATE TABLE IF NOT EXISTS effect (idem_key TEXT PRIMARY KEY, run TEXT NOT NULL, step TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS rerun (run TEXT NOT NULL, step TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS execution (run TEXT NOT NULL, step TEXT NOT NULL)");
        s.execute("CREATE TABLE IF NOT EXISTS incarnation (resumed INTEGER NOT NULL)");
      }
      this.storeUrl = storeUrl;
    }

    String apply(StepContext ctx, String input) throws Exception {
      boolean alreadyCheckpointed;
      try (Connection store = DriverManager.getConnection(storeUrl);
          PreparedStatement q =
              store.prepareStatement(
                  "SELECT 1 FROM firebreak_step WHERE run_id = ? AND step = ?")) {
        q.setString(1, ctx.runId());
        q.setString(2, ctx.stepName());
        try (ResultSet rs = q.executeQuery()) {
          alreadyCheckpointed = rs.next();
        }
      }
      lock.lock();
      try {
        if (alreadyCheckpointed) {
          insert("INSERT INTO rerun (run, step) VALUES (?, ?)", ctx.runId(), ctx.stepName());
        }
        insert("INSERT INTO execution (run, step) VALUES (?, ?)", ctx.runId(), ctx.stepName());
        try (PreparedStatement p =
            ledger.prepareStatement(
                "INSERT OR IGNORE INTO effect (idem_key, run, step) VALUES (?, ?, ?)")) {
          p.setString(1, ctx.idempotencyKey());
          p.setString(2, ctx.runId());
          p.setString(3, ctx.stepName());
          p.executeUpdate();
        }
      } finally {
        lock.unlock();
      }
      // A little work, so that kills land in the middle of runs.
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 4));
      return input + ">" + ctx.stepName();
    }

    /** Records that a worker started and how many runs it resumed. */
    void incarnation(int resumed) throws SQLException {
      lock.lock();
      try (PreparedStatement p =
          ledger.prepareStatement("INSERT INTO incarnation (resumed) VALUES (?)")) {
        p.setInt(1, resumed);
        p.executeUpdate();
      } finally {
        lock.unlock();
      }
    }

    private void insert(String sql, String run, String step) throws SQLException {
      try (PreparedStatement p = ledger.prepareStatement(sql)) {
        p.setString(1, run);
        p.setString(2, step);
        p.executeUpdate();
      }
    }

    @Override
    public void close() throws SQLException {
      ledger.close();
    }
  }
}
