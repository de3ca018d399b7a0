package dev.firebreak.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Values by key beside a store's runs, in the same database: what an integration keeps durable next
 * to Firebreak's own records (LangChain4j's agentic scopes, for one) without a second store to run.
 * Reached through {@link CheckpointStore#keyValues()}.
 *
 * <p>Keys live in namespaces: one per integration, so that two never read each other's keys. A
 * value is bytes, stored and returned as given; the store never interprets them (and Java
 * serialization is never used). Each call is one write or one read, durable as the store's own
 * writes are when it returns; there are no transactions across calls and no versions: the last
 * {@link #put} of a key wins.
 *
 * <p>Namespaces and keys follow the same rules as run ids (see {@link RunIds}), with their own
 * lengths: non-empty, at most {@value #MAX_NAMESPACE_LENGTH} and {@value #MAX_KEY_LENGTH} chars,
 * well-formed UTF-16, no NUL character; so every store keeps them exactly and two distinct keys
 * never name one value. Every method refuses anything else with an {@link IllegalArgumentException}
 * before it reads or writes; implementations check their arguments with {@link #checkNamespace},
 * {@link #checkKey} and {@link #checkValue}.
 */
public interface KeyValues {
  /** The longest namespace, in chars. */
  int MAX_NAMESPACE_LENGTH = 128;

  /**
   * The longest key, in chars: a key and its namespace stay within what PostgreSQL indexes (2,704
   * bytes) at three UTF-8 bytes per char.
   */
  int MAX_KEY_LENGTH = 512;

  /** Stores {@code value} under {@code key} of {@code namespace}, replacing what was there. */
  void put(String namespace, String key, byte[] value);

  /** The value under {@code key} of {@code namespace}, if there is one. */
  Optional<byte[]> get(String namespace, String key);

  /** Removes the value under {@code key} of {@code namespace}; returns whether there was one. */
  boolean remove(String namespace, String key);

  /**
   * The keys of {@code namespace} that have a value, sorted by {@link String#compareTo}; empty if
   * none.
   */
  List<String> keys(String namespace);

  /**
   * Returns {@code namespace} if it is a valid namespace.
   *
   * @throws IllegalArgumentException if it is null, empty, longer than {@value
   *     #MAX_NAMESPACE_LENGTH} chars, holds an unpaired surrogate or a NUL character
   */
  static String checkNamespace(String namespace) {
    return check("namespace", namespace, MAX_NAMESPACE_LENGTH);
  }

  /**
   * Returns {@code key} if it is a valid key.
   *
   * @throws IllegalArgumentException if it is null, empty, longer than {@value #MAX_KEY_LENGTH}
   *     chars, holds an unpaired surrogate or a NUL character
   */
  static String checkKey(String key) {
    return check("key", key, MAX_KEY_LENGTH);
  }

  /**
   * Returns {@code value} if it may be stored.
   *
   * @throws IllegalArgumentException if it is null: {@link #remove} removes a value
   */
  static byte[] checkValue(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("a value may not be null: remove the key instead");
    }
    return value;
  }

  private static String check(String what, String s, int max) {
    if (s == null) {
      throw new IllegalArgumentException("a " + what + " may not be null");
    }
    int n = s.length();
    String problem = null;
    if (n == 0) {
      problem = "it is empty";
    } else if (n > max) {
      problem = "it has " + n + " chars, more than the " + max + " a " + what + " may have";
    } else {
      for (int i = 0; i < n && problem == null; i++) {
        char c = s.charAt(i);
        if (c == 0) {
          problem = "it holds a NUL character at index " + i;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          problem =
              String.format(
                  "it is not well-formed UTF-16: an unpaired surrogate U+%04X at index %d",
                  (int) c, i);
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException(
          "invalid " + what + " " + RunIds.forLog(s) + ": " + problem);
    }
    return s;
  }
}
