package dev.firebreak.runtime.store;

import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.remote.CallRecords;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link CallRecords} in an SQLite file, shared by the worker processes of one host: table {@code
 * firebreak_call(key, worker, output, until)}, a claim being a row without output. Each change is
 * one {@code BEGIN IMMEDIATE} transaction, so two processes claiming one key never both win.
 */
public final class SqliteCallRecords implements CallRecords {
  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteCallRecords(Connection connection) {
    this.connection = connection;
  }

  /** Opens (creating if needed) the records in {@code file}. */
  public static SqliteCallRecords open(Path file) {
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        // Survives a killed process (what a worker must outlive); a power cut may lose the last
        // records, whose calls then run again.
        s.execute("PRAGMA synchronous=NORMAL");
        // Well under a third of a claim's lease: a renewal that waits longer lets the claim lapse.
        s.execute("PRAGMA busy_timeout=2000");
        s.execute(
            "CREATE TABLE IF NOT EXISTS firebreak_call (key TEXT PRIMARY KEY, worker TEXT,"
                + " output BLOB, until INTEGER NOT NULL)");
      }
      c.setAutoCommit(true);
      return new SqliteCallRecords(c);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open the call records in " + file + ": " + e, e);
    }
  }

  private interface Work<T> {
    T run() throws SQLException;
  }

  /** {@code work} in one immediate transaction, one at a time in this process. */
  private <T> T inTransaction(Work<T> work) {
    lock.lock();
    try {
      try (Statement s = connection.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
      }
      try {
        T result = work.run();
        try (Statement s = connection.createStatement()) {
          s.execute("COMMIT");
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        try (Statement s = connection.createStatement()) {
          s.execute("ROLLBACK");
        } catch (SQLException ignored) {
          // the transaction is gone already
        }
        throw e;
      }
    } catch (SQLException e) {
      throw new StoreUnavailableException("the call records failed: " + e.getMessage(), e);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Claim claim(String key, String worker, Instant now, Instant until) {
    return inTransaction(
        () -> {
          try (PreparedStatement read =
              connection.prepareStatement(
                  "SELECT output, until FROM firebreak_call WHERE key = ?")) {
            read.setString(1, key);
            try (ResultSet r = read.executeQuery()) {
              if (r.next()) {
                byte[] output = r.getBytes(1);
                Instant held = Instant.ofEpochMilli(r.getLong(2));
                if (output != null) {
                  return new Claim(State.DONE, output, held);
                }
                if (held.isAfter(now)) {
                  return new Claim(State.BUSY, null, held);
                }
              }
            }
          }
          try (PreparedStatement write =
              connection.prepareStatement(
                  "INSERT OR REPLACE INTO firebreak_call (key, worker, output, until)"
                      + " VALUES (?, ?, NULL, ?)")) {
            write.setString(1, key);
            write.setString(2, worker);
            write.setLong(3, until.toEpochMilli());
            write.executeUpdate();
          }
          return new Claim(State.CLAIMED, null, until);
        });
  }

  @Override
  public boolean renew(String key, String worker, Instant until) {
    return inTransaction(
        () -> {
          try (PreparedStatement p =
              connection.prepareStatement(
                  "UPDATE firebreak_call SET until = ? WHERE key = ? AND worker = ?"
                      + " AND output IS NULL")) {
            p.setLong(1, until.toEpochMilli());
            p.setString(2, key);
            p.setString(3, worker);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean done(String key, String worker, byte[] output, Instant keepUntil) {
    return inTransaction(
        () -> {
          try (PreparedStatement p =
              connection.prepareStatement(
                  "INSERT INTO firebreak_call (key, worker, output, until) VALUES (?, NULL, ?, ?)"
                      + " ON CONFLICT(key) DO UPDATE SET worker = NULL, output = excluded.output,"
                      + " until = excluded.until"
                      + " WHERE firebreak_call.output IS NULL AND firebreak_call.worker = ?")) {
            p.setString(1, key);
            p.setBytes(2, output);
            p.setLong(3, keepUntil.toEpochMilli());
            p.setString(4, worker);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void release(String key, String worker) {
    inTransaction(
        () -> {
          try (PreparedStatement p =
              connection.prepareStatement(
                  "DELETE FROM firebreak_call WHERE key = ? AND worker = ? AND output IS NULL")) {
            p.setString(1, key);
            p.setString(2, worker);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public void forget(String key) {
    inTransaction(
        () -> {
          try (PreparedStatement p =
              connection.prepareStatement("DELETE FROM firebreak_call WHERE key = ?")) {
            p.setString(1, key);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public int expire(Instant now) {
    return inTransaction(
        () -> {
          try (PreparedStatement p =
              connection.prepareStatement("DELETE FROM firebreak_call WHERE until <= ?")) {
            p.setLong(1, now.toEpochMilli());
            return p.executeUpdate();
          }
        });
  }

  @Override
  public Optional<byte[]> output(String key) {
    return inTransaction(
        () -> {
          try (PreparedStatement p =
              connection.prepareStatement("SELECT output FROM firebreak_call WHERE key = ?")) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.ofNullable(r.getBytes(1)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("closing the call records failed", e);
    } finally {
      lock.unlock();
    }
  }
}
