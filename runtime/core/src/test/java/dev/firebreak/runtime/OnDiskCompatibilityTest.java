package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.JdbcSchema;
import dev.firebreak.runtime.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data already on disk stays readable: {@code compat/sqlite-2026-11-30.db} was written by {@link
 * Writer} on the runtime as landed at commit a9a2fd6 (2026-11-30) and is never regenerated. Today's
 * runtime opens it (migrating its schema), resumes its interrupted run from its checkpoint, returns
 * its finished run's output and replays its failed run: schema, codec bytes and graph hashes hold.
 */
class OnDiskCompatibilityTest {
  @TempDir Path dir;

  private final AtomicInteger extracts = new AtomicInteger();

  /** extract (checkpointed, retried) → post; post hangs, fails or posts. */
  private Flow flow(String post) {
    return Flow.of("invoice", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("extract")
                .inputs(0)
                .retry(dev.firebreak.runtime.graph.RetryPolicy.DEFAULTS)
                .checkpointed(Codecs.STRING),
            sync((s, ctx) -> "extracted " + s[0] + " #" + extracts.incrementAndGet()))
        .step(
            StepDescriptor.builder("post").inputs(1),
            async(
                (s, ctx) -> {
                  switch (post) {
                    case "hang":
                      return new CompletableFuture<>();
                    case "fail":
                      return CompletableFuture.failedFuture(
                          new IllegalStateException("ledger down"));
                    default:
                      return CompletableFuture.completedFuture("posted " + s[1]);
                  }
                }));
  }

  /** Writes the fixture; run once, on the release it describes, never again. */
  static final class Writer {
    private Writer() {}

    public static void main(String[] args) {
      OnDiskCompatibilityTest t = new OnDiskCompatibilityTest();
      Path file = Path.of(args[0]);
      try (FirebreakRuntime runtime =
          FirebreakRuntime.builder().executor(Runnable::run).checkpointStore(store(file)).build()) {
        t.flow("post").bind(runtime).runForResult("done-1", "scan-1");
        t.flow("fail").bind(runtime).runForResult("failed-1", "scan-2");
        t.flow("hang").bind(runtime).runAsyncForResult("open-1", "scan-3");
      }
    }
  }

  private static SqliteStore store(Path file) {
    return SqliteStore.open(file, "node-2026-11-30", Duration.ofSeconds(60), Clock.systemUTC());
  }

  /** The day the fixture was written. */
  private static final Instant WRITTEN_FROM = Instant.parse("2026-11-30T00:00:00Z");

  private static final Instant WRITTEN_BEFORE = Instant.parse("2026-12-01T00:00:00Z");

  @Test
  void itsSchemaIsMigratedToTheOneAFreshDatabaseGets() throws Exception {
    Path old = dir.resolve("old.db");
    Files.copy(Path.of("src/test/resources/compat/sqlite-2026-11-30.db"), old);
    Path fresh = dir.resolve("fresh.db");
    store(old).close();
    store(fresh).close();
    try (Connection migrated = DriverManager.getConnection("jdbc:sqlite:" + old);
        Connection created = DriverManager.getConnection("jdbc:sqlite:" + fresh)) {
      assertEquals(JdbcSchema.VERSION, userVersion(migrated));
      assertEquals(JdbcSchema.VERSION, userVersion(created));
      for (String table :
          List.of(
              "firebreak_run", "firebreak_step", "firebreak_attempt", "firebreak_dead_letter")) {
        assertEquals(columns(created, table), columns(migrated, table), table);
      }
      try (Statement s = migrated.createStatement();
          ResultSet rs =
              s.executeQuery("SELECT typeof(created_at), created_at FROM firebreak_run")) {
        int runs = 0;
        while (rs.next()) {
          runs++;
          assertEquals("integer", rs.getString(1));
          Instant at = Instant.ofEpochMilli(rs.getLong(2));
          assertTrue(at.isAfter(WRITTEN_FROM) && at.isBefore(WRITTEN_BEFORE), at.toString());
        }
        assertEquals(3, runs);
      }
    }
  }

  private static int userVersion(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.getInt(1);
    }
  }

  /** Each column of {@code table} as "name type [NOT NULL] [key]", sorted. */
  private static Set<String> columns(Connection c, String table) throws Exception {
    Set<String> columns = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        columns.add(
            rs.getString("name")
                + " "
                + rs.getString("type")
                + (rs.getInt("notnull") == 1 ? " NOT NULL" : "")
                + (rs.getInt("pk") > 0 ? " key" : ""));
      }
    }
    return columns;
  }

  @Test
  void aDatabaseWrittenByTheLastReleaseOpensResumesAndReplays() throws Exception {
    Path db = dir.resolve("firebreak.db");
    Files.copy(Path.of("src/test/resources/compat/sqlite-2026-11-30.db"), db);
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().executor(Runnable::run).checkpointStore(store(db)).build()) {
      Flow flow = flow("post");
      var entry = flow.bind(runtime);

      List<CompletableFuture<WorkflowResult<Object>>> resumed = runtime.resumeAll();
      assertEquals(1, resumed.size());
      WorkflowResult<Object> open = resumed.get(0).join();
      assertEquals("open-1", open.runId());
      assertEquals(WorkflowStatus.COMPLETED, open.status());
      assertEquals("posted extracted scan-3 #3", open.output(), "its checkpoint, decoded");

      WorkflowResult<Object> done = entry.runForResult("done-1", "ignored");
      assertEquals(WorkflowStatus.COMPLETED, done.status());
      assertEquals("posted extracted scan-1 #1", done.output(), "its stored output, decoded");

      DeadLetter letter = runtime.deadLetters().list().get(0);
      assertEquals("failed-1", letter.runId());
      assertTrue(
          letter.time().isAfter(WRITTEN_FROM) && letter.time().isBefore(WRITTEN_BEFORE),
          "its ISO-text time became milliseconds, the same instant: " + letter.time());
      assertEquals(DeadLetterReason.RETRIES_EXHAUSTED, letter.reason());
      assertEquals("post", letter.step());
      assertEquals("", letter.declaredBy(), "stored before letters named the declaring method");
      assertTrue(
          letter.errorChain().get(0).contains("ledger down"), letter.errorChain().toString());
      WorkflowResult<Object> replayed = runtime.replay("failed-1").toCompletableFuture().join();
      assertEquals(WorkflowStatus.COMPLETED, replayed.status());
      assertEquals("posted extracted scan-2 #2", replayed.output());

      assertEquals(0, extracts.get(), "no checkpointed step ran again");
      assertTrue(runtime.checkpointStore().unfinished().isEmpty());
      assertEquals(0, runtime.deadLetters().size());
    }
  }
}
