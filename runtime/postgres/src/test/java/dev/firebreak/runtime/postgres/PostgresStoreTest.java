package dev.firebreak.runtime.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.store.JdbcSchema;
import dev.firebreak.runtime.store.JdbcStoreContract;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real PostgreSQL server, started on 127.0.0.1 for this class and stopped
 * after it.
 */
class PostgresStoreTest extends JdbcStoreContract {
  private static EmbeddedPostgres postgres;
  private static DataSource dataSource;

  @BeforeAll
  static void startServer() throws Exception {
    postgres =
        EmbeddedPostgres.builder()
            .setServerConfig("listen_addresses", "127.0.0.1")
            // A deadlock is found this long after a transaction starts waiting (default 1 s).
            .setServerConfig("deadlock_timeout", "100ms")
            .start();
    dataSource = postgres.getPostgresDatabase();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Override
  protected boolean hintsBreakerSwaps() {
    return true;
  }

  @Override
  protected boolean plansByRule() {
    return false;
  }

  @Override
  protected Connection rawConnection() throws Exception {
    return dataSource.getConnection();
  }

  @Override
  protected CheckpointStore newStore() throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    return PostgresStore.open(dataSource);
  }

  @Override
  protected CheckpointStore sameData(
      String owner, java.time.Duration lease, java.time.Clock clock) {
    return PostgresStore.open(dataSource, owner, lease, clock);
  }

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return ((PostgresStore) store).deadLetters();
  }

  @Test
  void aNodeWhoseSessionLockWasFreedForOneAndAHalfIntervalsIsGoneBeforeItsLeaseEnds() {
    TestClock clock = new TestClock();
    java.time.Duration lease = java.time.Duration.ofSeconds(6);
    CheckpointStore a = sameData("node-a", lease, clock);
    CheckpointStore b = sameData("node-b", lease, clock);
    try {
      a.heartbeat();
      b.heartbeat();
      a.open("r1", "wf", "process", "h", null);
      a.close(); // its connections drop, as they do when its process dies
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.open("r1", "wf", "process", "h", null),
          "a free lock is first only seen: a database restart frees every lock");
      clock.advance(java.time.Duration.ofSeconds(2));
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.open("r1", "wf", "process", "h", null),
          "free for 2 s: a live node would have taken it again at its heartbeat by now, or soon");
      clock.advance(java.time.Duration.ofMillis(1500));
      b.open("r1", "wf", "process", "h", null); // 3.5 s: a is gone, 2.5 s before its lease ends
      b.saveStep("r1", "s1", new byte[] {1}, 1);
    } finally {
      b.close();
    }
  }

  @Test
  void aNodeThatTakesItsSessionLockBackWithinTheGraceStaysAlive() {
    TestClock clock = new TestClock();
    java.time.Duration lease = java.time.Duration.ofSeconds(6);
    CheckpointStore a = sameData("node-a", lease, clock);
    CheckpointStore b = sameData("node-b", lease, clock);
    CheckpointStore again = null;
    try {
      a.heartbeat();
      b.heartbeat();
      a.open("r1", "wf", "process", "h", null);
      a.close(); // the lock is free, as after a database restart
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.open("r1", "wf", "process", "h", null));
      clock.advance(java.time.Duration.ofSeconds(1));
      again = sameData("node-a", lease, clock); // takes the lock again
      again.heartbeat();
      clock.advance(java.time.Duration.ofSeconds(3));
      assertThrows(
          dev.firebreak.runtime.RunOwnedElsewhereException.class,
          () -> b.open("r1", "wf", "process", "h", null),
          "node-a holds its lock again and beats: it lives");
    } finally {
      b.close();
      if (again != null) {
        again.close();
      }
    }
  }

  @Test
  void aDatabaseOfTheLastReleaseIsMigratedToNumericTimesAndTheFreshSchema() throws Exception {
    store.close();
    Instant created = Instant.parse("2026-11-30T10:15:30.123456Z");
    Instant failed = Instant.parse("2026-11-30T10:16:00Z");
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
      for (List<String> version : JdbcSchema.history(JdbcSchema.Dialect.POSTGRES)) {
        for (String sql : version) {
          s.execute(sql);
        }
      }
      s.execute("CREATE TABLE firebreak_schema (version INTEGER NOT NULL)");
      s.execute("INSERT INTO firebreak_schema (version) VALUES (3)");
      s.execute(
          "INSERT INTO firebreak_run (run_id, workflow, entry_point, graph_hash, status, version,"
              + " created_at, updated_at, ended_at) VALUES ('old-1', 'wf', 'process', 'h', 'FAILED', 2,"
              + " '"
              + created
              + "', '"
              + failed
              + "', "
              + failed.toEpochMilli()
              + ")");
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement letter =
            c.prepareStatement(
                "INSERT INTO firebreak_dead_letter (run_id, workflow, entry_point, reason, step,"
                    + " attempts, error_chain, time, seq) VALUES ('old-1', 'wf', 'process',"
                    + " 'RETRIES_EXHAUSTED', 'b', 3, ?, ?, 1)")) {
      letter.setBytes(1, Codecs.encode(Codecs.list(Codecs.STRING), List.of("boom")));
      letter.setString(2, failed.toString());
      letter.executeUpdate();
    }
    Set<String> migrated;
    try (PostgresStore old = PostgresStore.open(dataSource);
        Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT version FROM firebreak_schema")) {
        assertTrue(rs.next());
        assertEquals(JdbcSchema.VERSION, rs.getInt(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT created_at, updated_at FROM firebreak_run")) {
        assertTrue(rs.next());
        assertEquals(created.toEpochMilli(), rs.getLong(1), "to the millisecond");
        assertEquals(failed.toEpochMilli(), rs.getLong(2));
      }
      assertEquals(WorkflowStatus.FAILED, old.find("old-1").orElseThrow().status());
      assertEquals(failed, old.deadLetters().list().get(0).time());
      assertEquals("", old.deadLetters().list().get(0).declaredBy(), "stored without one");
      migrated = columns(c);
    }
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE");
      s.execute("CREATE SCHEMA public");
    }
    try (PostgresStore fresh = PostgresStore.open(dataSource);
        Connection c = dataSource.getConnection()) {
      assertEquals(columns(c), migrated, "the migrated schema is the one a fresh database gets");
    }
    store = newStore();
  }

  @Test
  void aVersion5DatabaseGainsTheDeclaredByColumnAndItsLettersReadAsUnknown() throws Exception {
    deadLetters.add(
        new DeadLetter(
            "r1",
            "wf",
            "process",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "extract",
            3,
            List.of("boom"),
            Instant.parse("2026-11-30T10:16:00Z")));
    store.close();
    Set<String> fresh;
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      fresh = columns(c);
      // Version 5 is version 9 without its indexes, and version 8 without the column, the node
      // table, the index by owner and the
      // breaker table.
      for (String undo : BACK_TO_VERSION_8) {
        s.execute(undo);
      }
      s.execute("DROP TABLE firebreak_breaker");
      s.execute("ALTER TABLE firebreak_dead_letter DROP COLUMN declared_by");
      s.execute("DROP TABLE firebreak_node");
      s.execute("DROP INDEX firebreak_run_owner");
      s.execute("UPDATE firebreak_schema SET version = 5");
    }
    try (PostgresStore old = PostgresStore.open(dataSource);
        Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      DeadLetter letter = old.deadLetters().list().get(0);
      assertEquals("extract", letter.step());
      assertEquals("", letter.declaredBy());
      try (ResultSet rs = s.executeQuery("SELECT version FROM firebreak_schema")) {
        assertTrue(rs.next());
        assertEquals(JdbcSchema.VERSION, rs.getInt(1));
      }
      assertEquals(fresh, columns(c), "the migrated schema is the one a fresh database gets");
    }
    store = newStore();
    deadLetters = deadLettersOf(store);
  }

  /** Every column of the firebreak tables as "table.column type nullable". */
  private static Set<String> columns(Connection c) throws Exception {
    Set<String> columns = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name, column_name, data_type, is_nullable FROM"
                    + " information_schema.columns WHERE table_schema = 'public'"
                    + " AND table_name LIKE 'firebreak_%'")) {
      while (rs.next()) {
        columns.add(
            rs.getString(1)
                + "."
                + rs.getString(2)
                + " "
                + rs.getString(3)
                + " "
                + rs.getString(4));
      }
    }
    return columns;
  }

  @Test
  void openingTwiceMigratesOnceAndKeepsTheData() {
    store.open("r1", "wf", "process", "h", null);
    store.saveStep("r1", "a", new byte[] {5}, 1);
    try (PostgresStore again = PostgresStore.open(dataSource)) {
      assertEquals(WorkflowStatus.RUNNING, again.find("r1").orElseThrow().status());
      assertEquals(1, again.find("r1").orElseThrow().outputs().size());
    }
  }

  @Test
  void writesQueuedWhileTheWritersAreBusyShareOneTransactionAndAFailingOneFailsAlone()
      throws Exception {
    PostgresStore postgres = (PostgresStore) store;
    for (int r = 0; r < 8; r++) {
      store.open("r" + r, "wf", "process", "h", null);
    }
    store.saveStep("r0", "a", new byte[] {1}, 1);
    ExecutorService pool = Executors.newFixedThreadPool(PostgresWriters.WRITERS + 8);
    List<CountDownLatch> releases = new ArrayList<>();
    try {
      List<Future<?>> blockers = holdEveryWriter(postgres, pool, releases);
      // While every writer is held, each run records a step; r0 records one it already has, so
      // its write fails (and aborts the transaction it is in).
      List<Future<?>> saves = new ArrayList<>();
      for (int r = 0; r < 8; r++) {
        String id = "r" + r;
        saves.add(pool.submit(() -> store.saveStep(id, "a", new byte[] {2}, 1)));
      }
      awaitQueued(postgres, 8);
      releases.get(0).countDown(); // one writer goes on, and takes all eight
      ExecutionException e = assertThrows(ExecutionException.class, saves.get(0)::get);
      assertTrue(e.getCause().getMessage().contains("already recorded"), e.getCause().getMessage());
      for (int r = 1; r < 8; r++) {
        saves.get(r).get();
      }
      releases.forEach(CountDownLatch::countDown);
      for (Future<?> blocker : blockers) {
        blocker.get();
      }
    } finally {
      releases.forEach(CountDownLatch::countDown);
      pool.shutdown();
    }
    // xmin: the transaction that wrote the row.
    Set<Long> transactions = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        java.sql.PreparedStatement s =
            c.prepareStatement(
                "SELECT xmin::text::bigint FROM firebreak_step WHERE run_id = ? AND step = 'a'")) {
      for (int r = 1; r < 8; r++) {
        s.setString(1, "r" + r);
        try (java.sql.ResultSet rs = s.executeQuery()) {
          assertTrue(rs.next());
          transactions.add(rs.getLong(1));
        }
      }
    }
    assertEquals(
        1,
        transactions.size(),
        "the seven writes queued together were committed together: " + transactions);
    assertArrayEquals(
        new byte[] {1},
        store.find("r0").orElseThrow().outputs().get("a"),
        "the failed write left r0 as it was");
    for (int r = 1; r < 8; r++) {
      assertArrayEquals(new byte[] {2}, store.find("r" + r).orElseThrow().outputs().get("a"));
    }
  }

  @Test
  void aGroupOfRunWritesIsSentAsBatchesYetEachWriteHasItsOwnOutcome() throws Exception {
    PostgresStore postgres = (PostgresStore) store;
    CheckpointStore other =
        sameData("other-node", java.time.Duration.ofMinutes(1), java.time.Clock.systemUTC());
    for (int r = 0; r < 4; r++) {
      store.open("s" + r, "wf", "process", "h", null);
    }
    store.open("ending", "wf", "process", "h", null);
    store.open("done", "wf", "process", "h", new byte[] {7});
    store.finish("done", WorkflowStatus.COMPLETED, new byte[] {8});
    other.open("theirs", "wf", "process", "h", null);
    ExecutorService pool = Executors.newFixedThreadPool(PostgresWriters.WRITERS + 10);
    List<CountDownLatch> releases = new ArrayList<>();
    try {
      List<Future<?>> blockers = holdEveryWriter(postgres, pool, releases);
      List<Future<?>> steps = new ArrayList<>();
      for (int r = 0; r < 4; r++) {
        String id = "s" + r;
        steps.add(pool.submit(() -> store.saveStep(id, "a", new byte[] {(byte) id.hashCode()}, 2)));
      }
      Future<?> attempt = pool.submit(() -> store.saveAttempt("s0", "b", 3));
      Future<dev.firebreak.runtime.RunRecord> fresh =
          pool.submit(() -> store.open("new", "wf", "process", "h", new byte[] {5}));
      Future<dev.firebreak.runtime.RunRecord> attached =
          pool.submit(() -> store.open("done", "wf", "process", "h", null));
      Future<?> finished =
          pool.submit(
              () ->
                  store.finish(
                      "ending",
                      WorkflowStatus.COMPLETED,
                      new byte[] {9},
                      "last",
                      new byte[] {4},
                      1));
      Future<?> refused = pool.submit(() -> store.saveStep("theirs", "a", new byte[] {1}, 1));
      awaitQueued(postgres, 9);
      releases.get(0).countDown(); // one writer goes on, and takes all nine

      ExecutionException e = assertThrows(ExecutionException.class, refused::get);
      assertTrue(
          e.getCause() instanceof dev.firebreak.runtime.RunOwnedElsewhereException,
          "the step of a run another node owns is refused: " + e.getCause());
      for (Future<?> step : steps) {
        step.get();
      }
      attempt.get();
      finished.get();
      assertEquals(WorkflowStatus.RUNNING, fresh.get().status());
      assertEquals(WorkflowStatus.COMPLETED, attached.get().status(), "the ended run, as read");
      assertArrayEquals(new byte[] {8}, attached.get().output());
      releases.forEach(CountDownLatch::countDown);
      for (Future<?> blocker : blockers) {
        blocker.get();
      }
    } finally {
      releases.forEach(CountDownLatch::countDown);
      pool.shutdown();
      other.close();
    }
    for (int r = 0; r < 4; r++) {
      String id = "s" + r;
      dev.firebreak.runtime.RunRecord run = store.find(id).orElseThrow();
      assertArrayEquals(new byte[] {(byte) id.hashCode()}, run.outputs().get("a"));
      assertEquals(2, run.attempts().get("a"));
    }
    assertEquals(3, store.find("s0").orElseThrow().attempts().get("b"));
    dev.firebreak.runtime.RunRecord ending = store.find("ending").orElseThrow();
    assertEquals(WorkflowStatus.COMPLETED, ending.status());
    assertArrayEquals(new byte[] {9}, ending.output());
    assertArrayEquals(new byte[] {4}, ending.outputs().get("last"));
    assertEquals(WorkflowStatus.RUNNING, store.find("new").orElseThrow().status());
    assertTrue(store.find("theirs").orElseThrow().outputs().isEmpty(), "nothing written for it");
  }

  @Test
  void aTransactionAbortedToBreakADeadlockIsAppliedAgainAndItsWritesSucceed() throws Exception {
    PostgresStore postgres = (PostgresStore) store;
    store.open("x", "wf", "process", "h", null);
    store.open("y", "wf", "process", "h", null);
    AtomicInteger applied = new AtomicInteger();
    CountDownLatch otherCommitted = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Connection other = dataSource.getConnection();
        Statement s = other.createStatement()) {
      // The store's server process, with the default 1 s, always finds the deadlock first.
      s.execute("SET deadlock_timeout = '60s'");
      other.setAutoCommit(false);
      s.executeUpdate("UPDATE firebreak_run SET version = version + 1 WHERE run_id = 'y'");
      // The store's write takes x, then waits for y; the other transaction then waits for x.
      Future<?> write =
          pool.submit(
              () ->
                  postgres.write(
                      c -> {
                        if (applied.incrementAndGet() > 1) {
                          // Applied again only once the other transaction has x and commits, so
                          // the two never meet in a second deadlock.
                          awaitQuietly(otherCommitted);
                        }
                        try (Statement w = c.createStatement()) {
                          w.executeUpdate(
                              "UPDATE firebreak_run SET version = version + 1 WHERE run_id = 'x'");
                          w.executeUpdate(
                              "UPDATE firebreak_run SET version = version + 1 WHERE run_id = 'y'");
                        }
                        return null;
                      }));
      awaitLockWaits(1);
      // The store's transaction is aborted as the deadlock's victim; the other then gets x.
      s.executeUpdate("UPDATE firebreak_run SET version = version + 1 WHERE run_id = 'x'");
      other.commit();
      otherCommitted.countDown();
      write.get();
    } finally {
      pool.shutdown();
    }
    assertEquals(2, applied.get(), "applied, aborted as the deadlock's victim, applied again");
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery("SELECT run_id, version FROM firebreak_run ORDER BY run_id")) {
      assertTrue(rs.next());
      long x = rs.getLong(2);
      assertTrue(rs.next());
      long y = rs.getLong(2);
      assertEquals(x, y, "both transactions changed both runs once each");
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Holds every writer thread in a write of its own until its latch (added to {@code releases})
   * opens.
   */
  private static List<Future<?>> holdEveryWriter(
      PostgresStore store, ExecutorService pool, List<CountDownLatch> releases)
      throws InterruptedException {
    List<Future<?>> blockers = new ArrayList<>();
    for (int i = 0; i < PostgresWriters.WRITERS; i++) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      releases.add(release);
      // Queued one at a time, each after the last is being applied: only an idle writer takes it.
      blockers.add(
          pool.submit(
              () ->
                  store.write(
                      c -> {
                        started.countDown();
                        try {
                          release.await();
                        } catch (InterruptedException e) {
                          throw new IllegalStateException(e);
                        }
                        return null;
                      })));
      started.await();
    }
    return blockers;
  }

  /** Waits (bounded) until {@code count} server processes wait for a lock. */
  private static void awaitLockWaits(int count) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      while (true) {
        try (java.sql.ResultSet rs =
            s.executeQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")) {
          rs.next();
          if (rs.getInt(1) >= count) {
            return;
          }
        }
        assertTrue(System.nanoTime() < deadline, "no write waits for a lock");
        Thread.sleep(1);
      }
    }
  }

  /**
   * Waits (bounded) until {@code count} writes are queued behind the one the writer is applying.
   */
  private static void awaitQueued(PostgresStore store, int count) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (store.queuedWrites() < count) {
      assertTrue(System.nanoTime() < deadline, "only " + store.queuedWrites() + " writes queued");
      Thread.sleep(1);
    }
  }
}
