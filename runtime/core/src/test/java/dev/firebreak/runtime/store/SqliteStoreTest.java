package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.WorkflowStatus;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest extends JdbcStoreContract {
  @TempDir Path dir;

  @Override
  protected java.sql.Connection rawConnection() throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("firebreak.db"));
  }

  @Override
  protected CheckpointStore newStore() {
    return SqliteStore.open(dir.resolve("firebreak.db"));
  }

  @Override
  protected CheckpointStore sameData(
      String owner, java.time.Duration lease, java.time.Clock clock) {
    return SqliteStore.open(dir.resolve("firebreak.db"), owner, lease, clock);
  }

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return ((SqliteStore) store).deadLetters();
  }

  @Test
  void everythingSurvivesClosingAndReopeningTheFile() {
    store.open("r1", "wf", "process", "h", null);
    store.saveStep("r1", "extract", new byte[] {7}, 2);
    store.saveStatus("r1", WorkflowStatus.PARKED);
    deadLetters.add(
        new dev.firebreak.runtime.DeadLetter(
            "r9",
            "wf",
            "process",
            dev.firebreak.runtime.DeadLetterReason.DEADLINE,
            "a",
            1,
            java.util.List.of("late"),
            java.time.Instant.EPOCH));
    store.close();
    store = SqliteStore.open(dir.resolve("firebreak.db"));
    deadLetters = ((SqliteStore) store).deadLetters();
    assertEquals(WorkflowStatus.PARKED, store.find("r1").orElseThrow().status());
    assertArrayEquals(new byte[] {7}, store.find("r1").orElseThrow().outputs().get("extract"));
    assertEquals(1, deadLetters.size());
  }

  @Test
  void aVersion5FileGainsTheDeclaredByColumnAndItsLettersReadAsUnknown() throws Exception {
    deadLetters.add(
        new dev.firebreak.runtime.DeadLetter(
            "r1",
            "wf",
            "process",
            dev.firebreak.runtime.DeadLetterReason.RETRIES_EXHAUSTED,
            "extract",
            3,
            java.util.List.of("boom"),
            java.time.Instant.EPOCH));
    store.close();
    Path file = dir.resolve("firebreak.db");
    java.util.Set<String> fresh = columns(file);
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
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
      s.execute("PRAGMA user_version = 5");
    }
    assertNotEquals(fresh, columns(file));
    store = SqliteStore.open(file);
    deadLetters = ((SqliteStore) store).deadLetters();
    dev.firebreak.runtime.DeadLetter letter = deadLetters.list().get(0);
    assertEquals("extract", letter.step());
    assertEquals("", letter.declaredBy());
    assertEquals(fresh, columns(file), "the migrated schema is the one a fresh file gets");
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      assertEquals(JdbcSchema.VERSION, rs.getInt(1));
    }
  }

  @Test
  void aVersion6FilesUnfinishedRunsAreTakenOverAtOnceAfterTheMigration() throws Exception {
    store.open("r1", "wf", "process", "h", null);
    store.open("r2", "wf", "process", "h", null);
    store.finish("r2", dev.firebreak.runtime.WorkflowStatus.COMPLETED, null);
    store.close();
    Path file = dir.resolve("firebreak.db");
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      // Version 6: no nodes; a run was owned by its host's name, with a per-run lease.
      for (String undo : BACK_TO_VERSION_8) {
        s.execute(undo);
      }
      s.execute("DROP TABLE firebreak_breaker");
      s.execute("DROP TABLE firebreak_node");
      s.execute("DROP INDEX firebreak_run_owner");
      s.execute("UPDATE firebreak_run SET owner = 'host:old', lease_until = 0 WHERE run_id = 'r1'");
      s.execute("PRAGMA user_version = 6");
    }
    store = SqliteStore.open(file);
    deadLetters = ((SqliteStore) store).deadLetters();
    store.heartbeat();
    assertEquals(
        java.util.List.of("r1"),
        store.takeOver(java.util.Set.of("wf#process"), 10).stream()
            .map(dev.firebreak.runtime.RunRecord::runId)
            .toList(),
        "the owner of a run written before nodes existed counts as gone");
  }

  /** The columns of the dead-letter table of {@code file}, as "name type [NOT NULL]". */
  private static java.util.Set<String> columns(Path file) throws Exception {
    java.util.Set<String> columns = new java.util.TreeSet<>();
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("PRAGMA table_info(firebreak_dead_letter)")) {
      while (rs.next()) {
        columns.add(
            rs.getString("name")
                + " "
                + rs.getString("type")
                + (rs.getInt("notnull") == 1 ? " NOT NULL" : ""));
      }
    }
    return columns;
  }

  @Test
  void aFileFromANewerSchemaIsRefusedNotMisread() throws Exception {
    store.close();
    Path file = dir.resolve("firebreak.db");
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> SqliteStore.open(file));
    assertTrue(e.getMessage().contains("newer Firebreak"), e.getMessage());
    store = SqliteStore.open(dir.resolve("other.db"));
  }

  @Test
  void aWriteReturnsAfterTheSyncThatCoversItAndCommitsShareSyncs() throws Exception {
    SqliteStore sqlite = (SqliteStore) store;
    store.heartbeat(); // registers the node: the first write
    store.open("r0", "wf", "process", "h", null);
    WriterStats stats = sqlite.writerStats();
    assertEquals(2, stats.writes());
    assertEquals(2, stats.syncs(), "each returned once a sync covered it");
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(32);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int r = 1; r <= 256; r++) {
        String id = "r" + r;
        done.add(pool.submit(() -> store.open(id, "wf", "process", "h", null)));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(258, stats.writes());
    assertTrue(
        stats.commits() <= stats.writes() && stats.syncs() <= stats.commits(), stats.toString());
    assertTrue(stats.syncs() >= 1 && !stats.syncing().isNegative(), stats.toString());
    assertEquals(257, store.unfinished().size());
  }
}
