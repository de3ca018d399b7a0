package dev.firebreak.runtime.store;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CircuitBreakerState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The shared breakers of a SQL store: one row of {@code firebreak_breaker} per breaker, swapped by
 * compare-and-set on its version (an insert for the first version, which a concurrent insert makes
 * miss). A store that can hint other nodes of a swap ({@link JdbcStore#breakerSwapped}, {@link
 * JdbcStore#listenForBreakers}) does so in the swap's transaction.
 */
final class JdbcBreakerBoard implements BreakerBoard {
  private static final String COLUMNS = "name, state, version, open_until, trial_node, trial_until";

  private final JdbcStore store;

  JdbcBreakerBoard(JdbcStore store) {
    this.store = store;
  }

  @Override
  public Entry swap(Entry next) {
    return store.write(
        c -> {
          PreparedStatement s =
              store.prepare(
                  c,
                  next.version() == 1
                      ? "INSERT INTO firebreak_breaker (state, open_until, trial_node, trial_until,"
                          + " version, name) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"
                      : "UPDATE firebreak_breaker SET state = ?, open_until = ?, trial_node = ?,"
                          + " trial_until = ?, version = ? WHERE name = ? AND version = ?");
          int rows;
          try {
            s.setString(1, next.state().name());
            s.setLong(2, next.openUntil());
            s.setString(3, next.trialNode());
            s.setLong(4, next.trialUntil());
            s.setLong(5, next.version());
            s.setString(6, next.name());
            if (next.version() != 1) {
              s.setLong(7, next.version() - 1);
            }
            rows = s.executeUpdate();
          } finally {
            store.release(s);
          }
          if (rows == 0) {
            return load(c, List.of(next.name())).get(0);
          }
          store.breakerSwapped(c, next.name());
          return next;
        });
  }

  @Override
  public List<Entry> read(Collection<String> names) {
    List<String> list = List.copyOf(names);
    return list.isEmpty() ? List.of() : store.read(c -> load(c, list));
  }

  @Override
  public void listen(Consumer<String> changed) {
    store.listenForBreakers(changed);
  }

  private static List<Entry> load(Connection c, List<String> names) throws SQLException {
    Map<String, Entry> found = new HashMap<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM firebreak_breaker WHERE name IN ("
                + String.join(", ", Collections.nCopies(names.size(), "?"))
                + ")")) {
      for (int i = 0; i < names.size(); i++) {
        q.setString(i + 1, names.get(i));
      }
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          Entry e =
              new Entry(
                  rs.getString(1),
                  CircuitBreakerState.valueOf(rs.getString(2)),
                  rs.getLong(3),
                  rs.getLong(4),
                  rs.getString(5),
                  rs.getLong(6));
          found.put(e.name(), e);
        }
      }
    }
    List<Entry> entries = new ArrayList<>(names.size());
    for (String name : names) {
      entries.add(found.getOrDefault(name, Entry.closed(name)));
    }
    return entries;
  }
}
