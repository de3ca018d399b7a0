package dev.firebreak.runtime.codec;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns map keys into JSON field names and back, for {@link Codecs#map}. Generated codecs use the
 * constants here; the processor rejects map keys of other types at compile time.
 */
public interface KeyCodec<K> {
  String toKey(K key);

  /**
   * @throws IOException if {@code text} is not a key of this type
   */
  K fromKey(String text) throws IOException;

  KeyCodec<String> STRING =
      new KeyCodec<>() {
        @Override
        public String toKey(String key) {
          return key;
        }

        @Override
        public String fromKey(String text) {
          return text;
        }
      };

  KeyCodec<java.util.UUID> UUID =
      parsed(java.util.UUID::toString, java.util.UUID::fromString, "UUID");

  KeyCodec<Integer> INT = parsed(String::valueOf, Integer::valueOf, "int");

  KeyCodec<Long> LONG = parsed(String::valueOf, Long::valueOf, "long");

  /** Keys of an enum type, by constant name. */
  static <E extends Enum<E>> KeyCodec<E> enumOf(E[] values) {
    Map<String, E> byName = new HashMap<>();
    for (E e : values) {
      byName.put(e.name(), e);
    }
    return new KeyCodec<>() {
      @Override
      public String toKey(E key) {
        return key.name();
      }

      @Override
      public E fromKey(String text) throws IOException {
        E e = byName.get(text);
        if (e == null) {
          throw new IOException("unknown enum constant '" + text + "' as a map key");
        }
        return e;
      }
    };
  }

  private static <K> KeyCodec<K> parsed(
      Function<K, String> format, Function<String, K> parse, String type) {
    return new KeyCodec<>() {
      @Override
      public String toKey(K key) {
        return format.apply(key);
      }

      @Override
      public K fromKey(String text) throws IOException {
        try {
          return parse.apply(text);
        } catch (RuntimeException e) {
          throw new IOException("'" + text + "' is not a " + type + " map key", e);
        }
      }
    };
  }
}
