package dev.firebreak.runtime.store;

import dev.firebreak.runtime.KeyValues;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Values by key in this process's memory, for {@link InMemoryCheckpointStore}: one sorted map per
 * namespace. Values are copied in and out, so a caller that changes its array afterwards changes
 * nothing stored.
 */
final class InMemoryKeyValues implements KeyValues {
  private final ConcurrentHashMap<String, ConcurrentSkipListMap<String, byte[]>> namespaces =
      new ConcurrentHashMap<>();

  @Override
  public void put(String namespace, String key, byte[] value) {
    KeyValues.checkNamespace(namespace);
    KeyValues.checkKey(key);
    byte[] copy = KeyValues.checkValue(value).clone();
    namespaces.computeIfAbsent(namespace, n -> new ConcurrentSkipListMap<>()).put(key, copy);
  }

  @Override
  public Optional<byte[]> get(String namespace, String key) {
    KeyValues.checkNamespace(namespace);
    KeyValues.checkKey(key);
    ConcurrentSkipListMap<String, byte[]> values = namespaces.get(namespace);
    byte[] value = values == null ? null : values.get(key);
    return value == null ? Optional.empty() : Optional.of(value.clone());
  }

  @Override
  public boolean remove(String namespace, String key) {
    KeyValues.checkNamespace(namespace);
    KeyValues.checkKey(key);
    ConcurrentSkipListMap<String, byte[]> values = namespaces.get(namespace);
    return values != null && values.remove(key) != null;
  }

  @Override
  public List<String> keys(String namespace) {
    KeyValues.checkNamespace(namespace);
    ConcurrentSkipListMap<String, byte[]> values = namespaces.get(namespace);
    return values == null ? List.of() : List.copyOf(values.keySet());
  }
}
