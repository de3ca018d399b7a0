package dev.firebreak.runtime.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs, checkpoints and dead letters in one SQLite file: the embedded default.
 *
 * <p>Durability: a write is on disk when the call that made it returns. Every write goes through
 * one writer thread, which commits whatever has queued up meanwhile in a single transaction (group
 * commit), in WAL mode; a second thread then syncs the WAL once for all the commits made since its
 * last sync and only then tells their callers, while the writer already applies the next batch.
 * Concurrent runs share each fsync instead of paying one each, and no caller returns, and no read
 * returns data, before it is durable. A failing write (a step recorded twice) fails alone: the
 * others of its batch are applied again without it. A failed sync stops the store accepting writes.
 * {@link #writerStats()} tells how well the commits are shared.
 *
 * <p>A step's output and the run's new version are written in one transaction: after a crash the
 * run has both or neither.
 *
 * <p>The schema ({@link JdbcSchema}) is versioned with {@code PRAGMA user_version} and migrated
 * forward on open; a file written by a newer Firebreak is refused rather than misread.
 */
public final class SqliteStore extends JdbcStore {
  /** Writes committed together at most; bounds the time one transaction holds the file. */
  private static final int MAX_BATCH = 512;

  private static final QueuedWrite<Void> STOP = QueuedWrite.signal();

  /** Queued by the syncer when it is free: the writer commits what it has applied meanwhile. */
  private static final QueuedWrite<Void> SYNCER_IDLE = QueuedWrite.signal();

  /** Queued by the writer after its last batch; compared by identity. */
  private static final List<QueuedWrite<?>> END = new ArrayList<>(0);

  private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

  private final Path file;
  private final Connection writer;
  private final Connection reader;
  private final ReentrantLock readLock = new ReentrantLock();
  private final LinkedBlockingQueue<QueuedWrite<?>> queue = new LinkedBlockingQueue<>();
  private final Thread writerThread;

  /** Committed batches waiting for the sync that makes them durable; see {@link #syncLoop}. */
  private final LinkedBlockingQueue<List<QueuedWrite<?>>> committed = new LinkedBlockingQueue<>();

  private final Thread syncerThread;
  private final Path wal;
  private FileChannel walChannel;

  /** Set when a sync failed: nothing written since can be trusted to be durable. */
  private volatile IllegalStateException broken;

  /** Commits made, and commits known durable; a read waits for the second to reach the first. */
  private volatile long commits;

  private volatile long synced;
  private final ReentrantLock syncLock = new ReentrantLock();
  private final Condition syncedAdvanced = syncLock.newCondition();
  private final WriterStats stats = new WriterStats();
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
    this.wal = Path.of(file + "-wal");
    this.writerThread = daemon(this::writeLoop, "firebreak-sqlite-writer");
    this.syncerThread = daemon(this::syncLoop, "firebreak-sqlite-syncer");
  }

  private static Thread daemon(Runnable loop, String name) {
    Thread thread = new Thread(loop, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Opens (creating it if needed) the store in {@code file}. */
  public static SqliteStore open(Path file) {
    return open(file, Leases.defaults());
  }

  /**
   * Opens (creating it if needed) the store in {@code file}; runs started here are owned by {@code
   * owner} (see {@link JdbcStore#JdbcStore}) for {@code lease} past each claim or renewal.
   */
  public static SqliteStore open(Path file, String owner, Duration lease, Clock clock) {
    return open(file, Leases.of(owner, lease, clock));
  }

  private static SqliteStore open(Path file, Leases leases) {
    try {
      requireDriver();
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

  public Path file() {
    return file;
  }

  /** How the writer thread has spent its time so far: how many writes each commit served. */
  public WriterStats writerStats() {
    return stats;
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

  // ---------------------------------------------------------------------------------------------
  // The writer thread

  @Override
  protected <T> T write(Work<T> write) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store " + file + " is closed");
    }
    if (broken != null) {
      throw broken;
    }
    QueuedWrite<T> op = new QueuedWrite<>(write);
    queue.add(op);
    return op.await();
  }

  /**
   * Applies writes as they arrive into one open transaction and commits it when the syncer is free
   * to sync it: a caller is told only after a sync anyway, so while one runs, later writes join the
   * next commit instead of each making their own. One commit per sync means fewer commits, and
   * fewer copies of the same hot pages in the WAL.
   */
  private void writeLoop() {
    List<QueuedWrite<?>> open = new ArrayList<>();
    List<QueuedWrite<?>> arrived = new ArrayList<>();
    boolean syncerIdle = true;
    boolean stopping = false;
    long applying = 0;
    while (!stopping) {
      if (!QueuedWrite.takeSome(queue, arrived, Integer.MAX_VALUE)) {
        break;
      }
      long start = System.nanoTime();
      for (QueuedWrite<?> op : arrived) {
        if (op == SYNCER_IDLE) {
          syncerIdle = true;
        } else if (op == STOP) {
          stopping = true;
        } else {
          open.add(op);
          if (!op.applyTo(writer, describe())) {
            QueuedWrite.reapply(writer, open, describe());
          }
        }
      }
      applying += System.nanoTime() - start;
      if (!open.isEmpty() && (syncerIdle || stopping || open.size() >= MAX_BATCH)) {
        commit(open, applying);
        commits++;
        committed.add(open);
        open = new ArrayList<>();
        syncerIdle = false;
        applying = 0;
      }
    }
    // Anything queued after close() was called fails instead of waiting forever.
    List<QueuedWrite<?>> refused = new ArrayList<>();
    for (QueuedWrite<?> op; (op = queue.poll()) != null; ) {
      if (op != SYNCER_IDLE) {
        op.failUnlessFailed(
            new IllegalStateException("the Firebreak store " + file + " is closed"));
        refused.add(op);
      }
    }
    committed.add(refused);
    committed.add(END);
  }

  /**
   * Makes committed batches durable and tells their callers: one sync of the WAL for every batch
   * committed since the last one, so a slow sync gathers more commits instead of holding up the
   * writer (as the database's own group commit does). No caller hears of its write before the write
   * is on disk. Waking the callers here also keeps that cost off the writer thread.
   */
  private void syncLoop() {
    List<List<QueuedWrite<?>>> batches = new ArrayList<>();
    boolean ending = false;
    while (!ending) {
      if (!QueuedWrite.takeSome(committed, batches, Integer.MAX_VALUE)) {
        return;
      }
      ending = batches.removeIf(b -> b == END);
      long upTo = commits;
      long start = System.nanoTime();
      IllegalStateException failure = sync();
      stats.recordSync(System.nanoTime() - start);
      if (failure == null) {
        advanceSynced(upTo);
      }
      if (!ending) {
        queue.add(SYNCER_IDLE); // the writer may commit the next batch while these callers wake
      }
      for (List<QueuedWrite<?>> batch : batches) {
        for (QueuedWrite<?> op : batch) {
          if (failure != null) {
            op.failUnlessFailed(failure);
          }
          op.complete();
        }
      }
    }
  }

  /** Syncs the WAL; null if it is durable now, else why not (and the store is broken from now). */
  private IllegalStateException sync() {
    if (broken != null) {
      return broken;
    }
    try {
      if (walChannel == null) {
        walChannel = FileChannel.open(wal, StandardOpenOption.READ);
      }
      walChannel.force(false);
      return null;
    } catch (NoSuchFileException e) {
      return null; // no commit has changed anything yet: the WAL is made by the first that does
    } catch (IOException e) {
      // After a failed fsync the kernel may have dropped the dirty pages: retrying could report
      // success for data that is gone. Every later write fails instead.
      broken =
          new IllegalStateException(
              "syncing " + wal + " failed; the store accepts no more writes: " + e, e);
      log.error("{}", broken.getMessage());
      return broken;
    }
  }

  private void advanceSynced(long upTo) {
    syncLock.lock();
    try {
      synced = upTo;
      syncedAdvanced.signalAll();
    } finally {
      syncLock.unlock();
    }
  }

  /**
   * Waits until every commit made so far is durable: a read may see a commit whose sync is still
   * running, and must not hand it out (to an attaching caller, say) before a crash could no longer
   * undo it.
   */
  private void awaitSynced() {
    long target = commits;
    if (synced >= target) {
      return;
    }
    syncLock.lock();
    try {
      while (synced < target && broken == null && !closed) {
        syncedAdvanced.awaitUninterruptibly();
      }
    } finally {
      syncLock.unlock();
    }
  }

  /** Commits the open transaction; if that fails, every write in it fails. */
  private void commit(List<QueuedWrite<?>> batch, long applyingNanos) {
    long start = System.nanoTime();
    try {
      writer.commit();
    } catch (SQLException e) {
      QueuedWrite.rollbackQuietly(writer);
      IllegalStateException failure =
          new IllegalStateException("commit to " + file + " failed: " + e.getMessage(), e);
      for (QueuedWrite<?> op : batch) {
        op.failUnlessFailed(failure);
      }
      return;
    }
    stats.record(batch.size(), applyingNanos, System.nanoTime() - start);
  }

  @Override
  protected <T> T read(Work<T> read) {
    if (closed) {
      throw new IllegalStateException("the Firebreak store " + file + " is closed");
    }
    readLock.lock();
    try {
      T result = read.apply(reader);
      awaitSynced();
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
    queue.add(STOP);
    try {
      writerThread.join();
      syncerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (walChannel != null) {
        walChannel.close();
      }
    } catch (IOException ignored) {
      // Closing anyway.
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
