package dev.firebreak.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterPage;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.postgres.PostgresStore;
import dev.firebreak.runtime.redis.RedisStore;
import dev.firebreak.runtime.store.SqliteStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * The runs API at scale: fills a store with a million runs (or as many as asked) shaped as a store
 * looks after a while — 20 workflows of 3 entry points, 96 % completed, 2 % running (half of them
 * retrying a step), 1 % failed, 1 % parked, one created each millisecond — then times pages of 50:
 * the median of 21 reads of each query, the first page and one from the middle. SQL stores are
 * filled with batched inserts of the rows the store writes, Redis through the store itself. Usage:
 * {@code RunsAtScale [runs, default 1000000] [stores, default sqlite,postgres,redis]}.
 */
public final class RunsAtScale {
  private static final long T0 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

  private RunsAtScale() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    List<String> stores = List.of((args.length > 1 ? args[1] : "sqlite,postgres,redis").split(","));
    Path dir = Files.createTempDirectory("firebreak-runs");
    if (stores.contains("sqlite")) {
      Path file = dir.resolve("runs.db");
      try (SqliteStore store = SqliteStore.open(file)) {
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
          fillSql(c, runs);
        }
        report("sqlite", runs, start, store, T0, T0 + runs);
      }
    }
    if (stores.contains("postgres")) {
      try (EmbeddedPostgres pg =
              EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
          HikariDataSource ds = DurableThroughput.pooled(pg)) {
        PostgresStore store = PostgresStore.open(ds);
        try {
          long start = System.nanoTime();
          try (Connection c = ds.getConnection()) {
            fillSql(c, runs);
          }
          report("postgres", runs, start, store, T0, T0 + runs);
        } finally {
          store.close();
        }
      }
    }
    if (stores.contains("redis")) {
      int port;
      try (ServerSocket free = new ServerSocket(0)) {
        port = free.getLocalPort();
      }
      RedisServer server =
          RedisServer.newRedisServer()
              .port(port)
              .setting("bind 127.0.0.1")
              .setting("appendonly no")
              .setting("save \"\"")
              .build();
      server.start();
      try (RedisClient redis = RedisClient.create("127.0.0.1", port)) {
        RedisStore store = RedisStore.open(redis, "firebreak:", null);
        long start = System.nanoTime();
        long from = System.currentTimeMillis();
        fillThroughStore(store, runs);
        report("redis", runs, start, store, from, System.currentTimeMillis());
      } finally {
        server.stop();
      }
    }
  }

  private static WorkflowStatus statusOf(int i) {
    int r = i % 100;
    return r == 7
        ? WorkflowStatus.FAILED
        : r == 8
            ? WorkflowStatus.PARKED
            : r % 50 == 9 ? WorkflowStatus.RUNNING : WorkflowStatus.COMPLETED;
  }

  /** Half the running runs retry a step: 1 % of all. */
  private static boolean retrying(int i) {
    return i % 100 == 9;
  }

  /** Failed runs' letters: half retries exhausted, the rest failed steps, deadlines, bad input. */
  private static DeadLetterReason reasonOf(int i) {
    int r = (i / 100) % 8;
    return r < 4
        ? DeadLetterReason.RETRIES_EXHAUSTED
        : r < 6
            ? DeadLetterReason.STEP_FAILED
            : r < 7 ? DeadLetterReason.DEADLINE : DeadLetterReason.INVALID_INPUT;
  }

  /** Parked runs wait on one of three breakers. */
  private static String breakerOf(int i) {
    return "breaker" + (i % 3);
  }

  private static void fillSql(Connection c, int runs) throws Exception {
    c.setAutoCommit(false);
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO firebreak_run (run_id, workflow, entry_point, graph_hash, status, version,"
                + " created_at, updated_at, ended_at, owner, retrying, parked_on)"
                + " VALUES (?, ?, ?, 'h', ?, 0, ?, ?, ?, ?, ?, ?)")) {
      for (int i = 0; i < runs; i++) {
        WorkflowStatus status = statusOf(i);
        insert.setString(1, String.format("run-%07d", i));
        insert.setString(2, "wf" + (i % 20));
        insert.setString(3, "entry" + (i % 3));
        insert.setString(4, status.name());
        insert.setLong(5, T0 + i);
        insert.setLong(6, T0 + i);
        if (status.isTerminal()) {
          insert.setLong(7, T0 + i + 500);
          insert.setNull(8, java.sql.Types.VARCHAR);
        } else {
          insert.setNull(7, java.sql.Types.BIGINT);
          insert.setString(8, "node-" + (i % 3));
        }
        insert.setInt(9, retrying(i) ? 1 : 0);
        insert.setString(10, status == WorkflowStatus.PARKED ? breakerOf(i) : null);
        insert.addBatch();
        if (i % 10_000 == 9_999) {
          insert.executeBatch();
          c.commit();
        }
      }
      insert.executeBatch();
      c.commit();
    }
    // A dead letter for each failed run (1 %), of one of four reasons, written when it failed.
    try (PreparedStatement insert =
        c.prepareStatement(
            "INSERT INTO firebreak_dead_letter (run_id, workflow, entry_point, reason, step,"
                + " attempts, error_chain, time, seq) VALUES (?, ?, ?, ?, 's', 3, ?, ?, ?)")) {
      byte[] chain =
          dev.firebreak.runtime.codec.Codecs.encode(
              dev.firebreak.runtime.codec.Codecs.list(dev.firebreak.runtime.codec.Codecs.STRING),
              List.of("java.io.IOException: down"));
      int seq = 0;
      for (int i = 0; i < runs; i++) {
        if (statusOf(i) != WorkflowStatus.FAILED) {
          continue;
        }
        insert.setString(1, String.format("run-%07d", i));
        insert.setString(2, "wf" + (i % 20));
        insert.setString(3, "entry" + (i % 3));
        insert.setString(4, reasonOf(i).name());
        insert.setBytes(5, chain);
        insert.setLong(6, T0 + i + 500);
        insert.setLong(7, ++seq);
        insert.addBatch();
        if (seq % 10_000 == 0) {
          insert.executeBatch();
          c.commit();
        }
      }
      insert.executeBatch();
      c.commit();
    }
    try (Statement s = c.createStatement()) {
      s.execute("ANALYZE");
    }
    c.commit();
  }

  /** Opens each run through the store (8 threads) and ends it as {@link #statusOf} says. */
  private static void fillThroughStore(CheckpointStore store, int runs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < runs; i += 8) {
                    String id = String.format("run-%07d", i);
                    store.open(id, "wf" + (i % 20), "entry" + (i % 3), "h", null);
                    WorkflowStatus status = statusOf(i);
                    if (status == WorkflowStatus.COMPLETED) {
                      store.finish(id, status, null);
                    } else if (status == WorkflowStatus.FAILED) {
                      store.fail(
                          id,
                          status,
                          new DeadLetter(
                              id,
                              "wf" + (i % 20),
                              "entry" + (i % 3),
                              reasonOf(i),
                              "s",
                              3,
                              List.of("java.io.IOException: down"),
                              Instant.ofEpochMilli(System.currentTimeMillis())));
                    } else if (status == WorkflowStatus.PARKED) {
                      store.saveStatus(id, status, new RunNotes(List.of(), 0, breakerOf(i)));
                    } else if (retrying(i)) {
                      store.saveAttempt(id, "s", 2, new RunNotes(List.of(), 1, null));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Times the reads of {@code store}, whose runs were created from {@code from} to {@code to}. */
  private static void report(
      String name, int runs, long fillStart, CheckpointStore store, long from, long to) {
    System.out.printf(
        "%s: %,d runs filled in %.0f s%n", name, runs, (System.nanoTime() - fillStart) / 1e9);
    RunQuery all = RunQuery.all().limit(50);
    String middle = middleCursor(store, from, to);
    Map<String, Supplier<Object>> reads = new LinkedHashMap<>();
    reads.put("all, first page", () -> store.listRuns(all));
    reads.put("all, from the middle", () -> store.listRuns(all.after(middle)));
    reads.put("FAILED, first page", () -> store.listRuns(all.status(WorkflowStatus.FAILED)));
    reads.put(
        "FAILED, from the middle",
        () -> store.listRuns(all.status(WorkflowStatus.FAILED).after(middle)));
    reads.put("workflow, first page", () -> store.listRuns(all.workflow("wf3")));
    reads.put(
        "entry point, from the middle",
        () -> store.listRuns(all.entryPoint("wf3", "entry1").after(middle)));
    // wf9's runs: 2 % of them running, none parked, the rest completed.
    reads.put(
        "workflow, RUNNING or PARKED",
        () ->
            store.listRuns(
                all.workflow("wf9").status(WorkflowStatus.RUNNING, WorkflowStatus.PARKED)));
    reads.put(
        "workflow, a status it has not",
        () -> store.listRuns(all.workflow("wf3").status(WorkflowStatus.FAILED)));
    reads.put(
        "a time window",
        () ->
            store.listRuns(
                all.createdBetween(
                    Instant.ofEpochMilli(from + (to - from) / 4),
                    Instant.ofEpochMilli(from + (to - from) / 2))));
    reads.put("retrying now, first page", () -> store.listRuns(all.retrying()));
    reads.put("retrying now, from the middle", () -> store.listRuns(all.retrying().after(middle)));
    // Every retrying run is wf9's; wf3 has none, so its filter passes over all of them.
    reads.put("retrying now, wf9", () -> store.listRuns(all.retrying().workflow("wf9")));
    reads.put("retrying now, wf3 (none)", () -> store.listRuns(all.retrying().workflow("wf3")));
    reads.put("parked on a breaker", () -> store.listRuns(all.parkedOn("breaker1")));
    reads.put("counts by status", store::countRuns);
    DeadLetterQueue letters = store.deadLetterQueue().orElseThrow();
    String middleLetter = middleLetterCursor(letters);
    reads.put("dead letters, first page", () -> letters.page(null, 50, null));
    reads.put("dead letters, from the middle", () -> letters.page(null, 50, middleLetter));
    reads.put(
        "dead letters of a reason, first", () -> letters.page(DeadLetterReason.DEADLINE, 50, null));
    reads.put(
        "dead letters of a reason, middle",
        () -> letters.page(DeadLetterReason.DEADLINE, 50, middleLetter));
    reads.put("dead letters by reason", letters::countByReason);
    reads.put("dead letters, how many", letters::size);
    reads.forEach(
        (what, read) -> {
          double[] ms = new double[21];
          Object last = null;
          for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            last = read.get();
            ms[i] = (System.nanoTime() - t) / 1e6;
          }
          Arrays.sort(ms);
          String size =
              last instanceof RunPage page
                  ? page.runs().size() + " runs"
                  : last instanceof DeadLetterPage letterPage
                      ? letterPage.letters().size() + " letters"
                      : String.valueOf(last);
          System.out.printf("  %-30s median %8.2f ms   (%s)%n", what, ms[10], size);
        });
  }

  /** The cursor after the letter halfway down the queue, found by walking pages of 1,000. */
  private static String middleLetterCursor(DeadLetterQueue letters) {
    int half = letters.size() / 2;
    String after = null;
    for (int seen = 0; seen + 1_000 <= half; seen += 1_000) {
      after = letters.page(null, 1_000, after).nextCursor();
    }
    return after;
  }

  /** The cursor after the run created halfway between {@code from} and {@code to}. */
  private static String middleCursor(CheckpointStore store, long from, long to) {
    Instant middle = Instant.ofEpochMilli(from + (to - from) / 2);
    return RunQuery.Cursor.after(
        store.listRuns(RunQuery.all().limit(1).createdBetween(null, middle)).runs().get(0));
  }
}
