package dev.firebreak.runtime.store;

import dev.firebreak.runtime.KeyValues;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Values by key in a SQL store: one row of {@code firebreak_kv} per (namespace, key), written
 * through the store's own writes ({@link JdbcStore#write}: on SQLite its single writer thread and
 * group commit, on PostgreSQL its writer threads), read through its reads.
 */
final class JdbcKeyValues implements KeyValues {
  private static final String UPSERT =
      "INSERT INTO firebreak_kv (namespace, kv_key, kv_value) VALUES (?, ?, ?)"
          + " ON CONFLICT (namespace, kv_key) DO UPDATE SET kv_value = excluded.kv_value";
  private static final String SELECT =
      "SELECT kv_value FROM firebreak_kv WHERE namespace = ? AND kv_key = ?";
  private static final String DELETE =
      "DELETE FROM firebreak_kv WHERE namespace = ? AND kv_key = ?";
  private static final String KEYS = "SELECT kv_key FROM firebreak_kv WHERE namespace = ?";

  private final JdbcStore store;

  JdbcKeyValues(JdbcStore store) {
    this.store = store;
  }

  @Override
  public void put(String namespace, String key, byte[] value) {
    KeyValues.checkNamespace(namespace);
    KeyValues.checkKey(key);
    byte[] copy = KeyValues.checkValue(value).clone(); // the write runs later, on another thread
    store.write(
        c -> {
          PreparedStatement s = store.prepare(c, UPSERT);
          try {
            s.setString(1, namespace);
            s.setString(2, key);
            s.setBytes(3, copy);
            s.executeUpdate();
          } finally {
            store.release(s);
          }
          return null;
        });
  }

  @Override
  public Optional<byte[]> get(String namespace, String key) {
    KeyValues.checkNamespace(namespace);
    KeyValues.checkKey(key);
    return store.read(
        c -> {
          PreparedStatement s = store.prepare(c, SELECT);
          try {
            s.setString(1, namespace);
            s.setString(2, key);
            try (ResultSet rs = s.executeQuery()) {
              return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
            }
          } finally {
            store.release(s);
          }
        });
  }

  @Override
  public boolean remove(String namespace, String key) {
    KeyValues.checkNamespace(namespace);
    KeyValues.checkKey(key);
    return store.write(
        c -> {
          PreparedStatement s = store.prepare(c, DELETE);
          try {
            s.setString(1, namespace);
            s.setString(2, key);
            return s.executeUpdate() > 0;
          } finally {
            store.release(s);
          }
        });
  }

  /**
   * Sorted here, not by the database: PostgreSQL orders text by the database's collation, which
   * need not be {@link String#compareTo}'s order.
   */
  @Override
  public List<String> keys(String namespace) {
    KeyValues.checkNamespace(namespace);
    List<String> keys =
        store.read(
            c -> {
              PreparedStatement s = store.prepare(c, KEYS);
              try {
                s.setString(1, namespace);
                List<String> found = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                  while (rs.next()) {
                    found.add(rs.getString(1));
                  }
                }
                return found;
              } finally {
                store.release(s);
              }
            });
    Collections.sort(keys);
    return Collections.unmodifiableList(keys);
  }
}
