package dev.firebreak.runtime.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL session advisory lock per node, held on a connection of its own: the server
 * releases it the moment the node's process dies and its connection drops, so another node can tell
 * the process is gone without waiting for its heartbeat lease.
 *
 * <p>A free lock is not proof on its own: a database restart frees every lock, and a live node
 * takes its lock again at its next heartbeat. So a node counts as ended only once its lock has been
 * seen free, and is still free, {@code grace} later (one and a half heartbeat intervals).
 */
final class SessionLocks implements AutoCloseable {
  private final DataSource dataSource;
  private final long key;
  private final long graceMillis;
  private final ReentrantLock guard = new ReentrantLock();
  private final Map<String, Long> seenFree = new ConcurrentHashMap<>();
  private Connection holder;

  SessionLocks(DataSource dataSource, String owner, long graceMillis) {
    this.dataSource = dataSource;
    this.key = keyOf(owner);
    this.graceMillis = graceMillis;
  }

  /**
   * Takes this node's lock again if its connection was lost (a database restart, a network cut).
   */
  void keep() {
    guard.lock();
    try {
      if (holder != null && holder.isValid(2)) {
        return;
      }
      closeHolder();
      Connection c = dataSource.getConnection();
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
        lock.setLong(1, key);
        try (ResultSet rs = lock.executeQuery()) {
          rs.next();
          if (!rs.getBoolean(1)) {
            LoggerFactory.getLogger(SessionLocks.class)
                .warn("another session holds this node's lock: is a second process using its id?");
          }
        }
      }
      holder = c;
    } catch (SQLException e) {
      // The heartbeat that follows fails too, and says why; the lock is taken at the next one.
      closeHolder();
    } finally {
      guard.unlock();
    }
  }

  /**
   * Whether the process of {@code owner} has ended: its lock has been free, seen on {@code c}, for
   * the grace period as measured by {@code now} (ms).
   */
  boolean ended(Connection c, String owner, long now) throws SQLException {
    long k = keyOf(owner);
    PreparedStatement held =
        c.prepareStatement(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                + " AND classid = ? AND objid = ? AND objsubid = 1");
    try (held) {
      held.setLong(1, k >>> 32);
      held.setLong(2, k & 0xFFFF_FFFFL);
      try (ResultSet rs = held.executeQuery()) {
        rs.next();
        if (rs.getLong(1) > 0) {
          seenFree.remove(owner);
          return false;
        }
      }
    }
    long since = seenFree.computeIfAbsent(owner, o -> now);
    return now - since >= graceMillis;
  }

  private static long keyOf(String owner) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
      long k = 0;
      for (int i = 0; i < 8; i++) {
        k = (k << 8) | (hash[i] & 0xFF);
      }
      return k;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void closeHolder() {
    if (holder != null) {
      try {
        holder.close();
      } catch (SQLException ignored) {
        // Gone already.
      }
      holder = null;
    }
  }

  /** Lets the lock go (the connection closes): the node's process is done with the store. */
  @Override
  public void close() {
    guard.lock();
    try {
      closeHolder();
    } finally {
      guard.unlock();
    }
  }
}
