package dev.firebreak.runtime.store;

import dev.firebreak.runtime.internal.LibraryVersions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs, checkpoints and dead letters in one SQLite file: the embedded default.
 *
 * <p>Durability: a write is on disk when the call that made it returns. Every write goes through
 * one writer thread ({@link SqliteWriter}), which commits whatever has queued up meanwhile in a
 * single transaction (group commit), in WAL mode; a second thread then syncs the WAL once for all
 * the commits made since its last sync and only then tells their callers, while the writer already
 * applies the next batch. Concurrent runs share each fsync instead of paying one each, and no
 * caller returns, and no read returns data, before it is durable. A failing write (a step recorded
 * twice) fails alone: the others of its batch are applied again without it. A failed sync stops the
 * store accepting writes. {@link #writerStats()} tells how well the commits are shared.
 *
 * <p>A step's output and the run's new version are written in one transaction: after a crash the
 * run has both or neither.
 *
 * <p>The schema ({@link JdbcSchema}) is versioned with {@code PRAGMA user_version} and migrated
 * forward on open; a file written by a newer Firebreak is refused rather than misread.
 */
public final class SqliteStore extends JdbcStore {
  private final Path file;
  private final Connection writer;
  private final Connection reader;
  private final ReentrantLock readLock = new ReentrantLock();
  private final SqliteWriter group;
  private final ProcessLocks processLocks;
  private volatile boolean closed;

  private SqliteStore(Path file, Leases leases) throws SQLException {
    super(leases);
    this.file = file;
    String url = "jdbc:sqlite:" + file;
    // The driver would otherwise run "SELECT last_insert_rowid()" after every INSERT, on a new
    // statement: more than half of a small write's cost, for keys nothing here reads.
    Properties properties = new Properties();
    properties.setProperty("jdbc.get_generated_keys", "false");
    this.writer = DriverManager.getConnection(url, properties);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      // Commits do not sync the WAL themselves: the syncer thread does, for every commit made
      // since its last sync at once, while the writer applies the next batch. NORMAL still syncs
      // the WAL and the database around each checkpoint, so the file is never left corrupt.
      s.execute("PRAGMA synchronous=NORMAL");
      s.execute("PRAGMA busy_timeout=10000");
    }
    migrate(writer, file);
    writer.setAutoCommit(false);
    this.reader = DriverManager.getConnection(url, properties);
    try (Statement s = reader.createStatement()) {
      s.execute("PRAGMA busy_timeout=10000");
    }
    this.group = new SqliteWriter(file, writer);
    try {
      this.processLocks = ProcessLocks.hold(locksDir(file), leases.owner());
    } catch (IOException e) {
      group.close();
      writer.close();
      reader.close();
      throw new SQLException("cannot take this node's lock beside the file: " + e, e);
    }
  }

  /**
   * The directory of the nodes' process locks: {@code firebreak.db} has {@code firebreak.db.nodes}.
   */
  static Path locksDir(Path file) {
    return file.resolveSibling(file.getFileName() + ".nodes");
  }

  /** Another process on this host that shared the file is gone once its lock is free. */
  @Override
  protected boolean processEnded(Connection c, String owner) {
    return processLocks.ended(owner);
  }

  @Override
  public boolean heartbeat() {
    try {
      processLocks.keep();
    } catch (IOException e) {
      throw new IllegalStateException("cannot keep this node's lock beside " + file, e);
    }
    return super.heartbeat();
  }

  /**
   * Opens (creating it if needed) the store in {@code file}, as a node with a {@linkplain
   * Leases#uniqueOwner() unique id}. Processes on this host may share the file: each holds a lock
   * in {@code <file>.nodes}, and a process that dies has its runs taken over by the others at once.
   */
  public static SqliteStore open(Path file) {
    return open(file, Leases.defaults());
  }

  /**
   * Opens (creating it if needed) the store in {@code file} as the node {@code owner} (see {@link
   * Leases#of}), alive for {@code lease} past each heartbeat on {@code clock}.
   */
  public static SqliteStore open(Path file, String owner, Duration lease, Clock clock) {
    return open(file, Leases.of(owner, lease, clock));
  }

  private static SqliteStore open(Path file, Leases leases) {
    try {
      requireDriver();
      requireSqliteVersion();
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      return new SqliteStore(file, leases);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "cannot open the Firebreak store " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fails clearly when sqlite-jdbc is not on the class path: users of another store may exclude it
   * from {@code firebreak-runtime}, and then only the embedded default cannot open.
   */
  private static void requireDriver() {
    try {
      DriverManager.getDriver("jdbc:sqlite:");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "the embedded SQLite store needs org.xerial:sqlite-jdbc, which is not on the class path:"
              + " add it, or give FirebreakRuntime.builder() another store with"
              + " checkpointStore(...)",
          e);
    }
  }

  /** Fails clearly when the SQLite that sqlite-jdbc bundles is too old for this store. */
  private static void requireSqliteVersion() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite::memory:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT sqlite_version()")) {
      if (!rs.next()) {
        throw new SQLException("SELECT sqlite_version() returned no row");
      }
      LibraryVersions.requireSqlite(rs.getString(1));
    }
  }

  public Path file() {
    return file;
  }

  /** How the writer thread has spent its time so far: how many writes each commit served. */
  public WriterStats writerStats() {
    return group.stats();
  }

  /**
   * Counters of the writer thread: commits, the writes they carried, and the time spent applying
   * writes and committing (the fsync). Updated once per commit; read at any time.
   */
  @Override
  protected String describe() {
    return file.toString();
  }

  // Prepared statements kept per connection: preparing dominated a small write's cost. Each map is
  // touched by one thread at a time (the writer thread, or a reader holding readLock).
  private final Map<String, PreparedStatement> writerStatements = new HashMap<>();
  private final Map<String, PreparedStatement> readerStatements = new HashMap<>();

  @Override
  protected PreparedStatement prepare(Connection c, String sql) throws SQLException {
    Map<String, PreparedStatement> cache =
        c == writer ? writerStatements : c == reader ? readerStatements : null;
    if (cache == null) {
      return c.prepareStatement(sql);
    }
    PreparedStatement statement = cache.get(sql);
    if (statement == null) {
      statement = c.prepareStatement(sql);
      cache.put(sql, statement);
    }
    return statement;
  }

  @Override
  protected void release(PreparedStatement statement) throws SQLException {
    Connection c = statement.getConnection();
    if (c == writer || c == reader) {
      statement.clearParameters();
      statement.clearBatch(); // a batch that failed part-way must not ride along next time
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
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      int now = JdbcSchema.migrate(c, version, JdbcSchema.Dialect.SQLITE, file.toString());
      s.execute("PRAGMA user_version = " + now);
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  @Override
  protected <T> T write(Work<T> write) {
    return group.write(write);
  }

  @Override
  protected <T> T read(Work<T> read) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store " + file + " is closed");
    }
    readLock.lock();
    try {
      T result = read.apply(reader);
      group.awaitSynced();
      return result;
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
    group.close();
    try {
      processLocks.close();
    } catch (IOException ignored) {
      // Closing anyway; the lock dies with the channel.
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

  @Override
  protected String explainPrefix() {
    return "EXPLAIN QUERY PLAN ";
  }
}
