package dev.firebreak.runtime.postgres;

import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.remote.CallRecords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * {@link CallRecords} in PostgreSQL, shared by an agent's workers on any host: a table {@code (key,
 * worker, output, held_until)}, a claim being a row without output, {@code held_until} in epoch
 * milliseconds. Every change is one statement: a claim is an upsert that takes a row only while it
 * has no output and its claim has lapsed, so two workers claiming one key never both win.
 */
public final class PostgresCallRecords implements CallRecords {
  /** The table {@link #open(DataSource)} uses. */
  public static final String DEFAULT_TABLE = "firebreak_call";

  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final DataSource dataSource;
  private final String claim;
  private final String read;
  private final String renew;
  private final String done;
  private final String release;
  private final String expire;
  private final String forget;

  private PostgresCallRecords(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.claim =
        "INSERT INTO "
            + table
            + " (key, worker, output, held_until) VALUES (?, ?, NULL, ?)"
            + " ON CONFLICT (key) DO UPDATE SET worker = EXCLUDED.worker,"
            + " held_until = EXCLUDED.held_until"
            + " WHERE "
            + table
            + ".output IS NULL AND "
            + table
            + ".held_until <= ? RETURNING key";
    this.read = "SELECT output, held_until FROM " + table + " WHERE key = ?";
    this.renew =
        "UPDATE " + table + " SET held_until = ? WHERE key = ? AND worker = ? AND output IS NULL";
    this.done =
        "INSERT INTO "
            + table
            + " (key, worker, output, held_until) VALUES (?, NULL, ?, ?)"
            + " ON CONFLICT (key) DO UPDATE SET worker = NULL, output = EXCLUDED.output,"
            + " held_until = EXCLUDED.held_until WHERE "
            + table
            + ".output IS NULL AND "
            + table
            + ".worker = ?";
    this.release = "DELETE FROM " + table + " WHERE key = ? AND worker = ? AND output IS NULL";
    this.expire = "DELETE FROM " + table + " WHERE held_until <= ?";
    this.forget = "DELETE FROM " + table + " WHERE key = ?";
  }

  /** The records in table {@value #DEFAULT_TABLE} of {@code dataSource}, created if needed. */
  public static PostgresCallRecords open(DataSource dataSource) {
    return open(dataSource, DEFAULT_TABLE);
  }

  /**
   * The records in {@code table} of {@code dataSource}, created if needed.
   *
   * @throws IllegalArgumentException if {@code table} is not a plain lower-case SQL name
   */
  public static PostgresCallRecords open(DataSource dataSource, String table) {
    Objects.requireNonNull(dataSource, "dataSource");
    if (!TABLE.matcher(Objects.requireNonNull(table, "table")).matches()) {
      throw new IllegalArgumentException(
          "table \"" + table + "\": expected a lower-case SQL name, [a-z_][a-z0-9_]*, 63 at most");
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      // Workers starting together would race IF NOT EXISTS into a unique violation: one at a time.
      try (PreparedStatement lock =
          c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
        lock.setString(1, "firebreak.call-records." + table);
        lock.execute();
      }
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE IF NOT EXISTS "
                + table
                + " (key TEXT PRIMARY KEY, worker TEXT, output BYTEA, held_until BIGINT NOT NULL)");
        s.execute(
            "CREATE INDEX IF NOT EXISTS " + table + "_held_until ON " + table + " (held_until)");
      }
      c.commit();
    } catch (SQLException e) {
      throw new StoreUnavailableException(
          "cannot create the call records' table " + table + ": " + e.getMessage(), e);
    }
    return new PostgresCallRecords(dataSource, table);
  }

  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T withConnection(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreUnavailableException("the call records failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Claim claim(String key, String worker, Instant now, Instant until) {
    return withConnection(
        c -> {
          // A row deleted between the upsert and the read (it expired) makes another round.
          for (int round = 0; round < 3; round++) {
            try (PreparedStatement p = c.prepareStatement(claim)) {
              p.setString(1, key);
              p.setString(2, worker);
              p.setLong(3, until.toEpochMilli());
              p.setLong(4, now.toEpochMilli());
              try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                  return new Claim(State.CLAIMED, null, until);
                }
              }
            }
            try (PreparedStatement p = c.prepareStatement(read)) {
              p.setString(1, key);
              try (ResultSet r = p.executeQuery()) {
                if (r.next()) {
                  byte[] output = r.getBytes(1);
                  Instant held = Instant.ofEpochMilli(r.getLong(2));
                  return output != null
                      ? new Claim(State.DONE, output, held)
                      : new Claim(State.BUSY, null, held);
                }
              }
            }
          }
          throw new SQLException("the record of " + key + " kept changing under its claim");
        });
  }

  @Override
  public boolean renew(String key, String worker, Instant until) {
    return withConnection(
        c -> {
          try (PreparedStatement p = c.prepareStatement(renew)) {
            p.setLong(1, until.toEpochMilli());
            p.setString(2, key);
            p.setString(3, worker);
            return p.executeUpdate() == 1;
          }
        });
  }

  @Override
  public boolean done(String key, String worker, byte[] output, Instant keepUntil) {
    return withConnection(
        c -> {
          try (PreparedStatement p = c.prepareStatement(done)) {
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
    withConnection(
        c -> {
          try (PreparedStatement p = c.prepareStatement(release)) {
            p.setString(1, key);
            p.setString(2, worker);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public void forget(String key) {
    withConnection(
        c -> {
          try (PreparedStatement p = c.prepareStatement(forget)) {
            p.setString(1, key);
            return p.executeUpdate();
          }
        });
  }

  @Override
  public int expire(Instant now) {
    return withConnection(
        c -> {
          try (PreparedStatement p = c.prepareStatement(expire)) {
            p.setLong(1, now.toEpochMilli());
            return p.executeUpdate();
          }
        });
  }

  @Override
  public Optional<byte[]> output(String key) {
    return withConnection(
        c -> {
          try (PreparedStatement p = c.prepareStatement(read)) {
            p.setString(1, key);
            try (ResultSet r = p.executeQuery()) {
              return r.next() ? Optional.ofNullable(r.getBytes(1)) : Optional.empty();
            }
          }
        });
  }

  /** Nothing to close: connections are the data source's, borrowed per change. */
  @Override
  public void close() {}
}
