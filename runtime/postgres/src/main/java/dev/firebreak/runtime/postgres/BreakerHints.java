package dev.firebreak.runtime.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.LoggerFactory;

/**
 * Wake-up hints for the shared circuit breakers: a swap NOTIFYs channel {@value #CHANNEL} with the
 * breaker's name in its transaction (delivered only if it commits), and a listening node reads that
 * breaker's row at once instead of at its next poll. A hint is never the truth — the row is — so a
 * hint lost while the listening connection is down costs only the wait for the poll.
 */
final class BreakerHints implements AutoCloseable {
  static final String CHANNEL = "firebreak_breakers";

  private final DataSource dataSource;
  private volatile boolean closed;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Thread listener;

  BreakerHints(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Sends the hint for breaker {@code name}, in the transaction of {@code c}. */
  static void notify(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, CHANNEL);
      s.setString(2, name);
      s.execute();
    }
  }

  /**
   * Starts a thread that LISTENs on a connection of its own and hands each name to {@code hint}.
   */
  void listen(Consumer<String> hint) {
    if (closed || !started.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> loop(hint), "firebreak-postgres-breaker-hints");
    t.setDaemon(true);
    listener = t;
    t.start();
  }

  private void loop(Consumer<String> hint) {
    while (!closed) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] hints = pg.getNotifications(500);
          if (hints != null) {
            for (PGNotification n : hints) {
              hint.accept(n.getParameter());
            }
          }
        }
      } catch (LinkageError e) {
        LoggerFactory.getLogger(BreakerHints.class)
            .info("breaker hints need the PostgreSQL JDBC driver (org.postgresql); polling only");
        return;
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          return;
        }
        LoggerFactory.getLogger(BreakerHints.class)
            .debug("breaker hints: listening connection lost; the poll goes on", e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException interrupted) {
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread t = listener;
    if (t != null) {
      t.interrupt();
    }
  }
}
