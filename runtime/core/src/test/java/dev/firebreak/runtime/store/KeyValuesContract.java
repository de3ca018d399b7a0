package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.KeyValues;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every store's {@link KeyValues} does: values replaced and removed by key, bytes kept
 * exactly, namespaces apart, keys sorted, bad arguments refused before anything is written, and
 * (for a store on shared data) values seen by another store on the same data. {@link StoreContract}
 * implements it, so every store's test runs it.
 */
public interface KeyValuesContract {
  /** The store under test, fresh and empty. */
  CheckpointStore keyValueStore();

  /**
   * Another store on the same data, as another process would open it; null for a store that keeps
   * its data in its own memory. Closed by the test.
   */
  CheckpointStore keyValueStoreOnSameData(String owner, Duration lease, Clock clock);

  private KeyValues kv() {
    return keyValueStore().keyValues().orElseThrow();
  }

  @Test
  default void aValueIsReplacedByTheNextPutAndGoneOnceRemoved() {
    KeyValues kv = kv();
    assertEquals(Optional.empty(), kv.get("ns", "a"));
    assertFalse(kv.remove("ns", "a"));
    kv.put("ns", "a", new byte[] {1, 2});
    assertArrayEquals(new byte[] {1, 2}, kv.get("ns", "a").orElseThrow());
    kv.put("ns", "a", new byte[] {3});
    assertArrayEquals(new byte[] {3}, kv.get("ns", "a").orElseThrow());
    assertEquals(List.of("a"), kv.keys("ns"));
    assertTrue(kv.remove("ns", "a"));
    assertFalse(kv.remove("ns", "a"));
    assertEquals(Optional.empty(), kv.get("ns", "a"));
    assertEquals(List.of(), kv.keys("ns"));
  }

  @Test
  default void bytesAreKeptExactlyAndCopiedOnTheWayIn() {
    KeyValues kv = kv();
    byte[] every = new byte[256];
    for (int i = 0; i < every.length; i++) {
      every[i] = (byte) i;
    }
    kv.put("ns", "every", every);
    kv.put("ns", "empty", new byte[0]);
    byte[] big = new byte[1 << 20];
    new java.util.Random(7).nextBytes(big);
    kv.put("ns", "big", big);
    byte[] given = every.clone();
    kv.put("ns", "given", given);
    given[0] = 42; // after the put: the stored value does not change
    assertArrayEquals(every, kv.get("ns", "every").orElseThrow());
    assertArrayEquals(new byte[0], kv.get("ns", "empty").orElseThrow());
    assertArrayEquals(big, kv.get("ns", "big").orElseThrow());
    assertArrayEquals(every, kv.get("ns", "given").orElseThrow());
  }

  @Test
  default void namespacesKeepTheirKeysApartAndListThemSorted() {
    KeyValues kv = kv();
    // String order (UTF-16 code units) puts the emoji's surrogates before U+FFFD; UTF-8 byte
    // order, or a database's collation, would not.
    List<String> keys = List.of("b", "a", "B", "10", "9", "é", "\uFFFD", "\uD83D\uDE00", "a:b");
    for (String key : keys) {
      kv.put("one", key, new byte[] {1});
    }
    kv.put("two", "a", new byte[] {2});
    kv.put("one:two", "x", new byte[] {3});
    List<String> sorted = new ArrayList<>(keys);
    java.util.Collections.sort(sorted);
    assertEquals(sorted, kv.keys("one"));
    assertEquals(List.of("a"), kv.keys("two"));
    assertEquals(List.of("x"), kv.keys("one:two"));
    assertEquals(List.of(), kv.keys("three"));
    assertArrayEquals(new byte[] {1}, kv.get("one", "a").orElseThrow());
    assertArrayEquals(new byte[] {2}, kv.get("two", "a").orElseThrow());
    assertTrue(kv.remove("two", "a"));
    assertArrayEquals(new byte[] {1}, kv.get("one", "a").orElseThrow());
    assertEquals(Optional.empty(), kv.get("one", "x"));
  }

  @Test
  default void keysAndNamespacesAtTheirLongestAreKeptExactly() {
    KeyValues kv = kv();
    String namespace = "€".repeat(KeyValues.MAX_NAMESPACE_LENGTH); // 3 UTF-8 bytes each
    String key = "€".repeat(KeyValues.MAX_KEY_LENGTH);
    String other = "€".repeat(KeyValues.MAX_KEY_LENGTH - 1) + "a";
    kv.put(namespace, key, new byte[] {1});
    kv.put(namespace, other, new byte[] {2});
    assertArrayEquals(new byte[] {1}, kv.get(namespace, key).orElseThrow());
    assertEquals(List.of(other, key), kv.keys(namespace));
  }

  @Test
  default void badArgumentsAreRefusedBeforeAnythingIsWritten() {
    KeyValues kv = kv();
    byte[] v = {1};
    List<String> bad =
        java.util.Arrays.asList(
            null,
            "",
            "nul\0",
            "lone\uD800",
            "\uDC00lone",
            "x".repeat(KeyValues.MAX_KEY_LENGTH + 1));
    for (String key : bad) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> kv.put("ns", key, v), "" + key);
      assertTrue(e.getMessage().contains("key"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> kv.get("ns", key));
      assertThrows(IllegalArgumentException.class, () -> kv.remove("ns", key));
    }
    List<String> badNamespaces = new ArrayList<>(bad);
    badNamespaces.set(5, "x".repeat(KeyValues.MAX_NAMESPACE_LENGTH + 1));
    for (String namespace : badNamespaces) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> kv.put(namespace, "k", v), "" + namespace);
      assertTrue(e.getMessage().contains("namespace"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> kv.get(namespace, "k"));
      assertThrows(IllegalArgumentException.class, () -> kv.remove(namespace, "k"));
      assertThrows(IllegalArgumentException.class, () -> kv.keys(namespace));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> kv.put("ns", "k", null));
    assertTrue(e.getMessage().contains("null"), e.getMessage());
    assertEquals(List.of(), kv.keys("ns"));
    assertEquals(List.of(), kv.keys("x".repeat(KeyValues.MAX_NAMESPACE_LENGTH)));
  }

  @Test
  default void concurrentPutsOfManyKeysAllLand() throws Exception {
    KeyValues kv = kv();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> puts = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String key = String.format("k%03d", i);
        byte[] value = {(byte) i};
        puts.add(pool.submit(() -> kv.put("ns", key, value)));
      }
      for (Future<?> put : puts) {
        put.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> keys = kv.keys("ns");
    assertEquals(200, keys.size());
    assertEquals("k000", keys.get(0));
    assertEquals("k199", keys.get(199));
    assertArrayEquals(new byte[] {(byte) 123}, kv.get("ns", "k123").orElseThrow());
  }

  @Test
  default void anotherStoreOnTheSameDataSeesTheValues() {
    CheckpointStore other =
        keyValueStoreOnSameData("kv-other", Duration.ofHours(1), Clock.systemUTC());
    assumeTrue(other != null, "this store keeps its values in its own memory");
    try {
      kv().put("ns", "a", new byte[] {1});
      KeyValues there = other.keyValues().orElseThrow();
      assertArrayEquals(new byte[] {1}, there.get("ns", "a").orElseThrow());
      there.put("ns", "b", new byte[] {2});
      assertTrue(there.remove("ns", "a"));
      assertEquals(List.of("b"), kv().keys("ns"));
      assertArrayEquals(new byte[] {2}, kv().get("ns", "b").orElseThrow());
    } finally {
      other.close();
    }
  }
}
