package dev.firebreak.runtime.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
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
public final class SqliteStore extends JdbcStore {
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
                  + " PRIMARY KEY (run_id, step)) WITHOUT ROWID"),
          List.of(
              "ALTER TABLE firebreak_run ADD COLUMN owner TEXT",
              "ALTER TABLE firebreak_run ADD COLUMN lease_until INTEGER"),
          List.of("ALTER TABLE firebreak_dead_letter ADD COLUMN inputs BLOB"));

  /** Writes committed together at most; bounds the time one transaction holds the file. */
  private static final int MAX_BATCH = 512;

  private static final class Op<T> {
    final Work<T> write;
    final CompletableFuture<T> done = new CompletableFuture<>();
    T result;
    RuntimeException failure;

    Op(Work<T> write) {
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
  private volatile boolean closed;

  private SqliteStore(Path file, String owner, java.time.Duration lease, java.time.Clock clock) throws SQLException {
    super(owner, lease, clock);
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
    return open(file, defaultOwner(), DEFAULT_LEASE, java.time.Clock.systemUTC());
  }

  /**
   * Opens (creating it if needed) the store in {@code file}; runs started here are owned by {@code
   * owner} (see {@link JdbcStore#JdbcStore}) for {@code lease} past each write.
   */
  public static SqliteStore open(Path file, String owner, java.time.Duration lease, java.time.Clock clock) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new SqliteStore(file, owner, lease, clock);
    } catch (SQLException | java.io.IOException e) {
      throw new IllegalStateException("cannot open the Firebreak store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  @Override
  protected String describe() {
    return file.toString();
  }

  // Prepared statements kept per connection: preparing dominated a small write's cost. Each map is
  // touched by one thread at a time (the writer thread, or a reader holding readLock).
  private final java.util.Map<String, java.sql.PreparedStatement> writerStatements = new java.util.HashMap<>();
  private final java.util.Map<String, java.sql.PreparedStatement> readerStatements = new java.util.HashMap<>();

  @Override
  protected java.sql.PreparedStatement prepare(Connection c, String sql) throws SQLException {
    java.util.Map<String, java.sql.PreparedStatement> cache =
        c == writer ? writerStatements : c == reader ? readerStatements : null;
    if (cache == null) {
      return c.prepareStatement(sql);
    }
    java.sql.PreparedStatement statement = cache.get(sql);
    if (statement == null) {
      statement = c.prepareStatement(sql);
      cache.put(sql, statement);
    }
    return statement;
  }

  @Override
  protected void release(java.sql.PreparedStatement statement) throws SQLException {
    Connection c = statement.getConnection();
    if (c == writer || c == reader) {
      statement.clearParameters();
    } else {
      statement.close();
    }
  }

  @Override
  protected String creationOrder() {
    return "rowid";
  }

  private static void migrate(Connection c, Path file) throws SQLException {
    int version;
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      int now = JdbcStore.migrate(c, version, MIGRATIONS, file.toString());
      s.execute("PRAGMA user_version = " + now);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The writer thread

  @Override
  protected <T> T write(Work<T> write) {
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

  @Override
  protected <T> T read(Work<T> read) {
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

}
