package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.KeyValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * Values by key in Redis: one hash {@code kv:<namespace>} per namespace under the store's key
 * prefix, a field per key. Each call is one command, atomic on the server; {@link #keys} reads the
 * hash's fields (HKEYS) and sorts them here, so a namespace is meant for thousands of keys, not
 * millions.
 */
final class RedisKeyValues implements KeyValues {
  private final RedisStore store;
  private final UnifiedJedis redis;
  private final String ns;

  RedisKeyValues(RedisStore store, UnifiedJedis redis, String ns) {
    this.store = store;
    this.redis = redis;
    this.ns = ns;
  }

  private byte[] hash(String namespace) {
    return RedisStore.bytes(ns + "kv:" + KeyValues.checkNamespace(namespace));
  }

  @Override
  public void put(String namespace, String key, byte[] value) {
    byte[] hash = hash(namespace);
    byte[] field = RedisStore.bytes(KeyValues.checkKey(key));
    byte[] bytes = KeyValues.checkValue(value);
    store.call(() -> redis.hset(hash, field, bytes));
  }

  @Override
  public Optional<byte[]> get(String namespace, String key) {
    byte[] hash = hash(namespace);
    byte[] field = RedisStore.bytes(KeyValues.checkKey(key));
    return Optional.ofNullable(store.call(() -> redis.hget(hash, field)));
  }

  @Override
  public boolean remove(String namespace, String key) {
    byte[] hash = hash(namespace);
    byte[] field = RedisStore.bytes(KeyValues.checkKey(key));
    return store.call(() -> redis.hdel(hash, field)) > 0;
  }

  @Override
  public List<String> keys(String namespace) {
    String hash = ns + "kv:" + KeyValues.checkNamespace(namespace);
    List<String> keys = new ArrayList<>(store.call(() -> redis.hkeys(hash)));
    Collections.sort(keys);
    return Collections.unmodifiableList(keys);
  }
}
