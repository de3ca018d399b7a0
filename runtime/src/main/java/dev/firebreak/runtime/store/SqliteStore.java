package dev.firebreak.runtime.store;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs, checkpoints and dead letters in one SQLite file: the embedded default.
 *
 * <p>Durability: the database runs in WAL mode with {@code synchronous=FULL}, so a write is on
 * disk when the call that made it returns. Every write goes through one writer thread, which
 * commits whatever has queued up meanwhile in a single transaction (group commit): concurrent runs
 * share each fsync instead of paying one each, and no caller returns before its own write is
 * committed. Each write runs inside its own savepoint, so a failing one (a step recorded twice)
 * fails alone.
 *
 * <p>A step's output and the run's new version are written in one statement group inside that
 * savepoint: after a crash the run has both or neither.
 *
 * <p>The schema is versioned with {@code PRAGMA user_version} and migrated forward on open; a file
 * written by a newer Firebreak is refused rather than misread.
 */
public final class SqliteStore implements CheckpointStore {
  /** The schema, one entry per version; a release only ever appends to this list. */
  private static final List<List<String>> MIGRATIONS =
      List.of(
          List.of(
              "CREATE TABLE firebreak_run ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL,"
                  + " graph_hash TEXT NOT NULL, status TEXT NOT NULL, version INTEGER NOT NULL,"
                  + " created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
              "CREATE INDEX firebreak_run_open ON firebreak_run (status) WHERE status IN ('RUNNING', 'PARKED')",
              "CREATE TABLE firebreak_step ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, output BLOB NOT NULL, attempts INTEGER NOT NULL,"
                  + " seq INTEGER NOT NULL, PRIMARY KEY (run_id, step)) WITHOUT ROWID",
              "CREATE TABLE firebreak_dead_letter ("
                  + " run_id TEXT PRIMARY KEY, workflow TEXT NOT NULL, entry_point TEXT NOT NULL, reason TEXT NOT NULL,"
                  + " step TEXT, attempts INTEGER NOT NULL, error_chain BLOB NOT NULL, time TEXT NOT NULL,"
                  + " seq INTEGER NOT NULL)"),
          List.of(
              "ALTER TABLE firebreak_run ADD COLUMN inputs BLOB",
              "ALTER TABLE firebreak_run ADD COLUMN output BLOB",
              "ALTER TABLE firebreak_run ADD COLUMN ended_at INTEGER",
              "CREATE INDEX firebreak_run_ended ON firebreak_run (ended_at) WHERE ended_at IS NOT NULL",
              "CREATE TABLE firebreak_attempt ("
                  + " run_id TEXT NOT NULL, step TEXT NOT NULL, attempts INTEGER NOT NULL,"
                  + " PRIMARY KEY (run_id, step)) WITHOUT ROWID"));

  /** Writes committed together at most; bounds the time one transaction holds the file. */
  private static final int MAX_BATCH = 512;

  private interface Write<T> {
    T apply(Connection c) throws SQLException;
  }

  private static final class Op<T> {
    final Write<T> write;
    final CompletableFuture<T> done = new CompletableFuture<>();
    T result;
    RuntimeException failure;

    Op(Write<T> write) {
      this.write = write;
    }
  }

  private static final Op<Void> STOP = new Op<>(c -> null);

  private final Path file;
  private final Connection writer;
  private final Connection reader;
  private final ReentrantLock readLock = new ReentrantLock();
  private final LinkedBlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;
  private final DeadLetterQueue deadLetters = new DeadLetters();
  private volatile boolean closed;

  private SqliteStore(Path file) throws SQLException {
    this.file = file;
    String url = "jdbc:sqlite:" + file;
    this.writer = DriverManager.getConnection(url);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA busy_timeout=10000");
    }
    migrate(writer, file);
    writer.setAutoCommit(false);
    this.reader = DriverManager.getConnection(url);
    try (Statement s = reader.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
    }
    this.writerThread = new Thread(this::writeLoop, "firebreak-sqlite-writer");
    writerThread.setDaemon(true);
    writerThread.start();
  }

  /** Opens (creating it if needed) the store in {@code file}. */
  public static SqliteStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new SqliteStore(file);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the Firebreak store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** The dead-letter queue kept in the same file. */
  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  private static void migrate(Connection c, Path file) throws SQLException {
    int version;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version > MIGRATIONS.size()) {
      throw new SQLException(
          file + " has schema version " + version + ", written by a newer Firebreak; this one knows up to "
              + MIGRATIONS.size());
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (int v = version; v < MIGRATIONS.size(); v++) {
        for (String sql : MIGRATIONS.get(v)) {
          s.execute(sql);
        }
        s.execute("PRAGMA user_version = " + (v + 1));
      }
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The writer thread

  private <T> T write(Write<T> write) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store " + file + " is closed");
    }
    Op<T> op = new Op<>(write);
    queue.add(op);
    try {
      return op.done.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw e;
    }
  }

  private void writeLoop() {
    List<Op<?>> batch = new ArrayList<>(MAX_BATCH);
    boolean stopping = false;
    while (!stopping) {
      batch.clear();
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        break;
      }
      queue.drainTo(batch, MAX_BATCH - 1);
      stopping = batch.remove(STOP);
      commit(batch);
    }
    // Anything queued after close() was called fails instead of waiting forever.
    for (Op<?> op; (op = queue.poll()) != null; ) {
      op.done.completeExceptionally(new IllegalStateException("the Firebreak store " + file + " is closed"));
    }
  }

  private void commit(List<Op<?>> batch) {
    for (Op<?> op : batch) {
      apply(op);
    }
    try {
      writer.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      IllegalStateException failure = new IllegalStateException("commit to " + file + " failed: " + e.getMessage(), e);
      for (Op<?> op : batch) {
        op.done.completeExceptionally(failure);
      }
      return;
    }
    for (Op<?> op : batch) {
      complete(op);
    }
  }

  private <T> void apply(Op<T> op) {
    Savepoint savepoint = null;
    try {
      savepoint = writer.setSavepoint();
      op.result = op.write.apply(writer);
      writer.releaseSavepoint(savepoint);
    } catch (SQLException | RuntimeException e) {
      if (savepoint != null) {
        try {
          writer.rollback(savepoint);
          writer.releaseSavepoint(savepoint);
        } catch (SQLException ignored) {
          // The commit that follows reports a broken connection for the whole batch.
        }
      }
      op.failure = e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
    }
  }

  private static <T> void complete(Op<T> op) {
    if (op.failure != null) {
      op.done.completeExceptionally(op.failure);
    } else {
      op.done.complete(op.result);
    }
  }

  private void rollbackQuietly() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // Nothing more to undo.
    }
  }

  // ---------------------------------------------------------------------------------------------
  // CheckpointStore

  @Override
  public RunRecord open(String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    return write(c -> {
      String now = Instant.now().toString();
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT OR IGNORE INTO firebreak_run"
              + " (run_id, workflow, entry_point, graph_hash, status, version, created_at, updated_at, inputs)"
              + " VALUES (?, ?, ?, ?, 'RUNNING', 0, ?, ?, ?)")) {
        insert.setString(1, runId);
        insert.setString(2, workflow);
        insert.setString(3, entryPoint);
        insert.setString(4, graphHash);
        insert.setString(5, now);
        insert.setString(6, now);
        insert.setBytes(7, inputs);
        insert.executeUpdate();
      }
      return load(c, runId).orElseThrow();
    });
  }

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    write(c -> {
      long seq = bump(c, runId);
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO firebreak_step (run_id, step, output, attempts, seq) VALUES (?, ?, ?, ?, ?)")) {
        insert.setString(1, runId);
        insert.setString(2, step);
        insert.setBytes(3, output);
        insert.setInt(4, attempts);
        insert.setLong(5, seq);
        insert.executeUpdate();
      } catch (SQLException e) {
        if (e.getMessage() != null && e.getMessage().contains("UNIQUE")) {
          throw new IllegalStateException("step '" + step + "' of run " + runId + " is already recorded", e);
        }
        throw e;
      }
      return null;
    });
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    write(c -> {
      bump(c, runId);
      try (PreparedStatement upsert = c.prepareStatement(
          "INSERT INTO firebreak_attempt (run_id, step, attempts) VALUES (?, ?, ?)"
              + " ON CONFLICT (run_id, step) DO UPDATE SET attempts = excluded.attempts")) {
        upsert.setString(1, runId);
        upsert.setString(2, step);
        upsert.setInt(3, attempts);
        upsert.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void resetSteps(String runId, java.util.Collection<String> steps) {
    List<String> names = List.copyOf(steps);
    write(c -> {
      bump(c, runId);
      for (String table : List.of("firebreak_step", "firebreak_attempt")) {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ? AND step = ?")) {
          for (String step : names) {
            delete.setString(1, runId);
            delete.setString(2, step);
            delete.addBatch();
          }
          delete.executeBatch();
        }
      }
      return null;
    });
  }

  @Override
  public int purgeFinished(Instant before) {
    return write(c -> {
      long cutoff = before.toEpochMilli();
      for (String table : List.of("firebreak_step", "firebreak_attempt")) {
        try (PreparedStatement delete = c.prepareStatement(
            "DELETE FROM " + table + " WHERE run_id IN"
                + " (SELECT run_id FROM firebreak_run WHERE ended_at IS NOT NULL AND ended_at < ?)")) {
          delete.setLong(1, cutoff);
          delete.executeUpdate();
        }
      }
      try (PreparedStatement delete = c.prepareStatement(
          "DELETE FROM firebreak_run WHERE ended_at IS NOT NULL AND ended_at < ?")) {
        delete.setLong(1, cutoff);
        return delete.executeUpdate();
      }
    });
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    write(c -> {
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE firebreak_run SET status = ?, version = version + 1, updated_at = ?,"
              + " ended_at = CASE WHEN ? THEN ? ELSE ended_at END WHERE run_id = ?")) {
        String now = Instant.now().toString();
        update.setString(1, status.name());
        update.setString(2, now);
        update.setBoolean(3, status.isTerminal());
        update.setLong(4, Instant.parse(now).toEpochMilli());
        update.setString(5, runId);
        if (update.executeUpdate() == 0) {
          throw new NoSuchElementException("no run " + runId + " in " + file);
        }
      }
      return null;
    });
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    write(c -> {
      try (PreparedStatement update = c.prepareStatement(
          "UPDATE firebreak_run SET status = ?, output = ?, version = version + 1, updated_at = ?, ended_at = ?"
              + " WHERE run_id = ?")) {
        String now = Instant.now().toString();
        update.setString(1, status.name());
        update.setBytes(2, output);
        update.setString(3, now);
        update.setLong(4, Instant.parse(now).toEpochMilli());
        update.setString(5, runId);
        if (update.executeUpdate() == 0) {
          throw new NoSuchElementException("no run " + runId + " in " + file);
        }
      }
      return null;
    });
  }

  /** Moves the run to its next version; returns it. */
  private long bump(Connection c, String runId) throws SQLException {
    try (PreparedStatement update = c.prepareStatement(
        "UPDATE firebreak_run SET version = version + 1, updated_at = ? WHERE run_id = ? RETURNING version")) {
      update.setString(1, Instant.now().toString());
      update.setString(2, runId);
      try (ResultSet rs = update.executeQuery()) {
        if (!rs.next()) {
          throw new NoSuchElementException("no run " + runId + " in " + file);
        }
        return rs.getLong(1);
      }
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    return read(c -> load(c, runId));
  }

  @Override
  public List<RunRecord> unfinished() {
    return read(c -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement q = c.prepareStatement(
          "SELECT run_id FROM firebreak_run WHERE status IN ('RUNNING', 'PARKED') ORDER BY rowid")) {
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      List<RunRecord> runs = new ArrayList<>(ids.size());
      for (String id : ids) {
        load(c, id).ifPresent(runs::add);
      }
      return runs;
    });
  }

  private Optional<RunRecord> load(Connection c, String runId) throws SQLException {
    String workflow;
    String entryPoint;
    String graphHash;
    WorkflowStatus status;
    byte[] inputs;
    byte[] output;
    try (PreparedStatement q = c.prepareStatement(
        "SELECT workflow, entry_point, graph_hash, status, inputs, output FROM firebreak_run WHERE run_id = ?")) {
      q.setString(1, runId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        workflow = rs.getString(1);
        entryPoint = rs.getString(2);
        graphHash = rs.getString(3);
        status = WorkflowStatus.valueOf(rs.getString(4));
        inputs = rs.getBytes(5);
        output = rs.getBytes(6);
      }
    }
    Map<String, byte[]> outputs = new LinkedHashMap<>();
    Map<String, Integer> attempts = new LinkedHashMap<>();
    try (PreparedStatement q = c.prepareStatement("SELECT step, attempts FROM firebreak_attempt WHERE run_id = ?")) {
      q.setString(1, runId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          attempts.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    try (PreparedStatement q = c.prepareStatement(
        "SELECT step, output, attempts FROM firebreak_step WHERE run_id = ? ORDER BY seq")) {
      q.setString(1, runId);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          outputs.put(rs.getString(1), rs.getBytes(2));
          attempts.put(rs.getString(1), rs.getInt(3));
        }
      }
    }
    return Optional.of(new RunRecord(runId, workflow, entryPoint, graphHash, status, outputs, attempts, inputs, output));
  }

  private interface Read<T> {
    T apply(Connection c) throws SQLException;
  }

  private <T> T read(Read<T> read) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store " + file + " is closed");
    }
    readLock.lock();
    try {
      return read.apply(reader);
    } catch (SQLException e) {
      throw new IllegalStateException("read from " + file + " failed: " + e.getMessage(), e);
    } finally {
      readLock.unlock();
    }
  }

  /** Waits for queued writes, stops the writer and closes the file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(STOP);
    try {
      writerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      writer.close();
    } catch (SQLException ignored) {
      // Closing anyway.
    }
    readLock.lock();
    try {
      reader.close();
    } catch (SQLException ignored) {
      // Closing anyway.
    } finally {
      readLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // DeadLetterQueue

  private final class DeadLetters implements DeadLetterQueue {
    @Override
    public void add(DeadLetter letter) {
      byte[] chain = Codecs.encode(Codecs.list(Codecs.STRING), letter.errorChain());
      write(c -> {
        try (PreparedStatement upsert = c.prepareStatement(
            "INSERT OR REPLACE INTO firebreak_dead_letter"
                + " (run_id, workflow, entry_point, reason, step, attempts, error_chain, time, seq)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
                + " (SELECT coalesce(max(seq), 0) + 1 FROM firebreak_dead_letter))")) {
          upsert.setString(1, letter.runId());
          upsert.setString(2, letter.workflow());
          upsert.setString(3, letter.entryPoint());
          upsert.setString(4, letter.reason().name());
          upsert.setString(5, letter.step());
          upsert.setInt(6, letter.attempts());
          upsert.setBytes(7, chain);
          upsert.setString(8, letter.time().toString());
          upsert.executeUpdate();
        }
        return null;
      });
    }

    @Override
    public List<DeadLetter> list() {
      return read(c -> {
        List<DeadLetter> letters = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement(
            "SELECT run_id, workflow, entry_point, reason, step, attempts, error_chain, time"
                + " FROM firebreak_dead_letter ORDER BY seq");
            ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            letters.add(new DeadLetter(
                rs.getString(1), rs.getString(2), rs.getString(3), DeadLetterReason.valueOf(rs.getString(4)),
                rs.getString(5), rs.getInt(6), Codecs.decode(Codecs.list(Codecs.STRING), rs.getBytes(7)),
                Instant.parse(rs.getString(8))));
          }
        }
        return letters;
      });
    }

    @Override
    public int size() {
      return read(c -> {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM firebreak_dead_letter")) {
          return rs.next() ? rs.getInt(1) : 0;
        }
      });
    }

    @Override
    public boolean discard(String runId) {
      return write(c -> {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM firebreak_dead_letter WHERE run_id = ?")) {
          delete.setString(1, runId);
          return delete.executeUpdate() > 0;
        }
      });
    }
  }
}
