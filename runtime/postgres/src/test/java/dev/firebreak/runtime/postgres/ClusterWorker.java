package dev.firebreak.runtime.postgres;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.crash.CrashWorker;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One node of the cluster test, in its own JVM: a runtime on the shared PostgreSQL store that
 * submits its share of runs and never calls resume. Each agent call notes when it began, then
 * records in a ledger database beside the store's whether the run was still this node's (else a
 * stale owner's step) and whether the step already had a checkpoint (a re-run), then applies its
 * side effect once per idempotency key. The node exits once every run of the round has ended in the
 * store.
 *
 * <p>Usage: {@code ClusterWorker <store url> <ledger url> <round prefix> <first run> <runs>}.
 */
public final class ClusterWorker {
  private static final List<String> STEPS = CrashWorker.STEPS;

  private ClusterWorker() {}

  public static void main(String[] args) throws Exception {
    String storeUrl = args[0];
    String ledgerUrl = args[1];
    String prefix = args[2];
    int first = Integer.parseInt(args[3]);
    int runs = Integer.parseInt(args[4]);
    PGSimpleDataSource store = dataSource(storeUrl);
    PGSimpleDataSource ledger = dataSource(ledgerUrl);
    try (PostgresStore checkpoints = PostgresStore.open(store);
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .checkpointStore(
                    new LapseRecordingStore(checkpoints, at -> lapseEnded(ledger, checkpoints, at)))
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .build()) {
      String node = runtime.nodeId();
      BoundEntryPoint entry =
          runtime.bind(CrashWorker.plan("cluster.Orders"), bindings(node, store, ledger));
      System.out.println("node " + node);
      System.out.flush();
      Semaphore inFlight = new Semaphore(16);
      AtomicInteger lostHere = new AtomicInteger();
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = first; i < first + runs; i++) {
        String id = prefix + i;
        inFlight.acquire();
        all.add(
            entry
                .runAsyncForResult(id, id)
                .toCompletableFuture()
                .whenComplete(
                    (r, e) -> {
                      if (e != null) {
                        lostHere.incrementAndGet();
                      }
                      inFlight.release();
                    }));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (unfinished(store, prefix) == 0) {
            break;
          }
        } catch (SQLException e) {
          // The store is restarting: ask again.
        }
        Thread.sleep(200);
      }
      System.out.println("done; runs this node stopped because another took them: " + lostHere);
    }
  }

  /** Records when this node's heartbeat returned after its lease had lapsed. */
  private static void lapseEnded(PGSimpleDataSource ledger, PostgresStore store, long at) {
    try (Connection c = ledger.getConnection();
        PreparedStatement p = c.prepareStatement("INSERT INTO lapse (node, at_ms) VALUES (?, ?)")) {
      p.setString(1, store.nodeId());
      p.setLong(2, at);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static PGSimpleDataSource dataSource(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    return ds;
  }

  static int unfinished(PGSimpleDataSource store, String prefix) throws SQLException {
    try (Connection c = store.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM firebreak_run WHERE run_id LIKE ? AND status <> 'COMPLETED'")) {
      q.setString(1, prefix + "%");
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static List<StepBinding> bindings(
      String node, PGSimpleDataSource store, PGSimpleDataSource ledger) {
    List<StepBinding> bindings = new ArrayList<>();
    for (int i = 0; i < STEPS.size(); i++) {
      int slot = i;
      bindings.add(StepBinding.sync((s, ctx) -> apply(node, store, ledger, ctx, (String) s[slot])));
    }
    return bindings;
  }

  private static String apply(
      String node,
      PGSimpleDataSource store,
      PGSimpleDataSource ledger,
      StepContext ctx,
      String input)
      throws Exception {
    // The moment the call began: a call begun before a pause and checked after it was in progress,
    // not started, when its node lost the run.
    long entry = System.currentTimeMillis();
    String owner = null;
    boolean checkpointed = false;
    for (int tries = 0; ; tries++) {
      try {
        Object[] seen = ownerAndCheckpoint(store, ctx);
        owner = (String) seen[0];
        checkpointed = (Boolean) seen[1];
        break;
      } catch (SQLException e) {
        if (tries > 600) {
          throw e;
        }
        Thread.sleep(100); // the store is restarting: the check waits for it, as the run does
      }
    }
    record(ledger, node, ctx, owner, checkpointed, entry);
    // Work long enough that a kill or a stop lands in the middle of runs.
    Thread.sleep(ThreadLocalRandom.current().nextInt(20, 40));
    return input + ">" + ctx.stepName();
  }

  /** Who owns the run now, and whether the step already has a checkpoint. */
  private static Object[] ownerAndCheckpoint(PGSimpleDataSource store, StepContext ctx)
      throws SQLException {
    try (Connection c = store.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT r.owner, (SELECT count(*) FROM firebreak_step s WHERE s.run_id = r.run_id"
                    + " AND s.step = ?) FROM firebreak_run r WHERE r.run_id = ?")) {
      q.setString(1, ctx.stepName());
      q.setString(2, ctx.runId());
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return new Object[] {rs.getString(1), rs.getInt(2) > 0};
      }
    }
  }

  private static void record(
      PGSimpleDataSource ledger,
      String node,
      StepContext ctx,
      String owner,
      boolean checkpointed,
      long entry)
      throws SQLException {
    try (Connection c = ledger.getConnection()) {
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO execution (run, step, node, stale, rerun, entry_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?)")) {
        p.setString(1, ctx.runId());
        p.setString(2, ctx.stepName());
        p.setString(3, node);
        p.setBoolean(4, !node.equals(owner));
        p.setBoolean(5, checkpointed);
        p.setLong(6, entry);
        p.executeUpdate();
      }
      try (PreparedStatement p =
          c.prepareStatement(
              "INSERT INTO effect (idem_key, run, step) VALUES (?, ?, ?)"
                  + " ON CONFLICT (idem_key) DO NOTHING")) {
        p.setString(1, ctx.idempotencyKey());
        p.setString(2, ctx.runId());
        p.setString(3, ctx.stepName());
        p.executeUpdate();
      }
    }
  }
}
