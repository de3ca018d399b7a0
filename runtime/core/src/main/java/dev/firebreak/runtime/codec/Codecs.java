package dev.firebreak.runtime.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.internal.LibraryVersions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.CRC32;

/**
 * Codecs for the value types checkpointed outputs are made of, the combinators generated record
 * codecs are built from, and {@link #encode}/{@link #decode} to and from stored bytes.
 *
 * <p>The protocol every {@link CheckpointCodec} follows: {@code write} emits exactly one JSON value
 * ({@code null} for a null reference); {@code read} is called with the parser on the value's first
 * token and leaves it on the value's last token.
 *
 * <p>Stored bytes are a 4-byte CRC-32 of the JSON followed by the JSON itself, so that truncated or
 * altered bytes are refused with {@link CorruptCheckpointException} instead of decoding into a
 * wrong object.
 */
public final class Codecs {
  private Codecs() {}

  static {
    // Before JSON below: an older jackson-core fails here by name, not with a NoSuchMethodError.
    LibraryVersions.requireJackson();
  }

  /** How deep values may nest (records in lists in maps ...), the same when written and read. */
  public static final int MAX_NESTING_DEPTH = 1000;

  /**
   * What is written must be readable: Jackson's read limits (strings of 20 million chars, names of
   * 50,000, numbers of 1,000 digits) are lifted, since the only JSON read here is what {@link
   * #encode} wrote, behind a checksum; the size of a value is bounded by its store instead (a
   * SQLite or PostgreSQL value holds up to 1 GB). Nesting is bounded alike on both sides, so a
   * value too deep to read is refused when it is written.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxStringLength(Integer.MAX_VALUE)
                  .maxNameLength(Integer.MAX_VALUE)
                  .maxNumberLength(Integer.MAX_VALUE)
                  .maxNestingDepth(MAX_NESTING_DEPTH)
                  .build())
          .streamWriteConstraints(
              StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
          .build();

  public static final CheckpointCodec<String> STRING =
      new CheckpointCodec<>() {
        @Override
        public void write(JsonGenerator out, String value) throws IOException {
          if (value == null) {
            out.writeNull();
          } else {
            out.writeString(value);
          }
        }

        @Override
        public String read(JsonParser in) throws IOException {
          if (in.currentToken() == JsonToken.VALUE_NULL) {
            return null;
          }
          expect(in, JsonToken.VALUE_STRING, "a string");
          return in.getText();
        }
      };

  public static final CheckpointCodec<Boolean> BOOLEAN =
      new CheckpointCodec<>() {
        @Override
        public void write(JsonGenerator out, Boolean value) throws IOException {
          if (value == null) {
            out.writeNull();
          } else {
            out.writeBoolean(value);
          }
        }

        @Override
        public Boolean read(JsonParser in) throws IOException {
          switch (in.currentToken()) {
            case VALUE_NULL:
              return null;
            case VALUE_TRUE:
              return Boolean.TRUE;
            case VALUE_FALSE:
              return Boolean.FALSE;
            default:
              throw new JsonParseException(in, "expected a boolean, found " + in.currentToken());
          }
        }
      };

  public static final CheckpointCodec<Long> LONG =
      integral("a long", Long.MIN_VALUE, Long.MAX_VALUE, Long::valueOf);
  public static final CheckpointCodec<Integer> INT =
      integral("an int", Integer.MIN_VALUE, Integer.MAX_VALUE, v -> (int) (long) v);
  public static final CheckpointCodec<Short> SHORT =
      integral("a short", Short.MIN_VALUE, Short.MAX_VALUE, v -> (short) (long) v);
  public static final CheckpointCodec<Byte> BYTE =
      integral("a byte", Byte.MIN_VALUE, Byte.MAX_VALUE, v -> (byte) (long) v);

  public static final CheckpointCodec<Character> CHAR =
      textual(
          "a char",
          String::valueOf,
          s -> {
            if (s.length() != 1) {
              throw new IllegalArgumentException("not one character: '" + s + "'");
            }
            return s.charAt(0);
          });

  public static final CheckpointCodec<Double> DOUBLE =
      floating("a double", d -> d, Double::valueOf);
  public static final CheckpointCodec<Float> FLOAT =
      floating("a float", Float::doubleValue, Float::valueOf);

  /**
   * Written as a string, so that scale and precision survive ({@code 10.00} stays {@code 10.00}).
   */
  public static final CheckpointCodec<BigDecimal> BIG_DECIMAL =
      textual("a decimal", BigDecimal::toString, BigDecimal::new);

  public static final CheckpointCodec<BigInteger> BIG_INTEGER =
      textual("an integer", BigInteger::toString, BigInteger::new);

  public static final CheckpointCodec<UUID> UUID =
      textual("a UUID", java.util.UUID::toString, java.util.UUID::fromString);
  public static final CheckpointCodec<Instant> INSTANT =
      textual("an instant", Instant::toString, Instant::parse);
  public static final CheckpointCodec<LocalDate> LOCAL_DATE =
      textual("a date", LocalDate::toString, LocalDate::parse);
  public static final CheckpointCodec<LocalDateTime> LOCAL_DATE_TIME =
      textual("a date-time", LocalDateTime::toString, LocalDateTime::parse);
  public static final CheckpointCodec<LocalTime> LOCAL_TIME =
      textual("a time", LocalTime::toString, LocalTime::parse);
  public static final CheckpointCodec<OffsetDateTime> OFFSET_DATE_TIME =
      textual("an offset date-time", OffsetDateTime::toString, OffsetDateTime::parse);
  public static final CheckpointCodec<ZonedDateTime> ZONED_DATE_TIME =
      textual("a zoned date-time", ZonedDateTime::toString, ZonedDateTime::parse);
  public static final CheckpointCodec<Duration> DURATION =
      textual("a duration", Duration::toString, Duration::parse);
  public static final CheckpointCodec<Period> PERIOD =
      textual("a period", Period::toString, Period::parse);

  /** {@code byte[]} as base64. */
  public static final CheckpointCodec<byte[]> BYTES =
      new CheckpointCodec<>() {
        @Override
        public void write(JsonGenerator out, byte[] value) throws IOException {
          if (value == null) {
            out.writeNull();
          } else {
            out.writeBinary(value);
          }
        }

        @Override
        public byte[] read(JsonParser in) throws IOException {
          if (in.currentToken() == JsonToken.VALUE_NULL) {
            return null;
          }
          expect(in, JsonToken.VALUE_STRING, "base64 bytes");
          return in.getBinaryValue();
        }
      };

  /** An enum by constant name; an unknown name is an error, never a silent null. */
  public static <E extends Enum<E>> CheckpointCodec<E> enumOf(E[] values) {
    Map<String, E> byName = new HashMap<>();
    for (E e : values) {
      byName.put(e.name(), e);
    }
    return textual(
        "an enum constant",
        Enum::name,
        s -> {
          E e = byName.get(s);
          if (e == null) {
            throw new IllegalArgumentException("unknown constant '" + s + "'");
          }
          return e;
        });
  }

  /** An unmodifiable list (elements may be null). */
  public static <T> CheckpointCodec<List<T>> list(CheckpointCodec<T> element) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, List<T> value) throws IOException {
        writeArray(out, value, element);
      }

      @Override
      public List<T> read(JsonParser in) throws IOException {
        List<T> items = readArray(in, element);
        return items == null ? null : Collections.unmodifiableList(items);
      }
    };
  }

  /** An unmodifiable set that keeps the written order. */
  public static <T> CheckpointCodec<Set<T>> set(CheckpointCodec<T> element) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, Set<T> value) throws IOException {
        writeArray(out, value, element);
      }

      @Override
      public Set<T> read(JsonParser in) throws IOException {
        List<T> items = readArray(in, element);
        return items == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(items));
      }
    };
  }

  /** {@code Optional.empty()} (and a null reference) as JSON null; a present value as itself. */
  public static <T> CheckpointCodec<Optional<T>> optional(CheckpointCodec<T> element) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, Optional<T> value) throws IOException {
        if (value == null || value.isEmpty()) {
          out.writeNull();
        } else {
          element.write(out, value.get());
        }
      }

      @Override
      public Optional<T> read(JsonParser in) throws IOException {
        if (in.currentToken() == JsonToken.VALUE_NULL) {
          return Optional.empty();
        }
        return Optional.ofNullable(element.read(in));
      }
    };
  }

  /** An unmodifiable map that keeps the written order, as a JSON object. */
  public static <K, V> CheckpointCodec<Map<K, V>> map(KeyCodec<K> keys, CheckpointCodec<V> values) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, Map<K, V> value) throws IOException {
        if (value == null) {
          out.writeNull();
          return;
        }
        out.writeStartObject();
        for (Map.Entry<K, V> e : value.entrySet()) {
          if (e.getKey() == null) {
            throw new IOException("a checkpointed map cannot hold a null key");
          }
          out.writeFieldName(keys.toKey(e.getKey()));
          values.write(out, e.getValue());
        }
        out.writeEndObject();
      }

      @Override
      public Map<K, V> read(JsonParser in) throws IOException {
        if (in.currentToken() == JsonToken.VALUE_NULL) {
          return null;
        }
        expect(in, JsonToken.START_OBJECT, "an object");
        Map<K, V> map = new LinkedHashMap<>();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
          K key = keys.fromKey(in.currentName());
          in.nextToken();
          map.put(key, values.read(in));
        }
        expect(in, JsonToken.END_OBJECT, "the end of an object");
        return Collections.unmodifiableMap(map);
      }
    };
  }

  /**
   * A fixed-length array whose element {@code i} uses {@code codecs.get(i)}: an entry point's
   * inputs.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static CheckpointCodec<Object[]> tuple(List<CheckpointCodec<?>> codecs) {
    List<CheckpointCodec<Object>> each = (List) List.copyOf(codecs);
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, Object[] value) throws IOException {
        out.writeStartArray();
        for (int i = 0; i < each.size(); i++) {
          each.get(i).write(out, value[i]);
        }
        out.writeEndArray();
      }

      @Override
      public Object[] read(JsonParser in) throws IOException {
        expect(in, JsonToken.START_ARRAY, "an array of " + each.size() + " inputs");
        Object[] values = new Object[each.size()];
        for (int i = 0; i < each.size(); i++) {
          if (in.nextToken() == null || in.currentToken() == JsonToken.END_ARRAY) {
            throw new JsonParseException(in, "expected " + each.size() + " inputs, found " + i);
          }
          values[i] = each.get(i).read(in);
        }
        if (in.nextToken() != JsonToken.END_ARRAY) {
          throw new JsonParseException(in, "expected " + each.size() + " inputs, found more");
        }
        return values;
      }
    };
  }

  /**
   * {@code value} as JSON text in UTF-8, without the checksum of {@link #encode}: what goes on a
   * message bus.
   */
  public static <T> byte[] toJson(CheckpointCodec<T> codec, T value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      codec.write(out, value);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot encode " + describe(value) + ": " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  /**
   * The value of JSON text written by {@link #toJson} or by a producer following the same format.
   *
   * @throws IllegalArgumentException saying why the text does not hold one such value
   */
  public static <T> T fromJson(CheckpointCodec<T> codec, byte[] json) {
    if (json == null) {
      throw new IllegalArgumentException("no value");
    }
    try (JsonParser in = JSON.createParser(json)) {
      if (in.nextToken() == null) {
        throw new IllegalArgumentException("no value");
      }
      T value = codec.read(in);
      if (in.nextToken() != null) {
        throw new IllegalArgumentException("data after the value");
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException && e.getCause() == null) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** {@code value} as stored bytes: a CRC-32 of the JSON, then the JSON. */
  public static <T> byte[] encode(CheckpointCodec<T> codec, T value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    bytes.write(0);
    bytes.write(0);
    bytes.write(0);
    bytes.write(0);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      codec.write(out, value);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot encode " + describe(value) + ": " + e.getMessage(), e);
    }
    byte[] encoded = bytes.toByteArray();
    CRC32 crc = new CRC32();
    crc.update(encoded, 4, encoded.length - 4);
    ByteBuffer.wrap(encoded, 0, 4).putInt((int) crc.getValue());
    return encoded;
  }

  /**
   * The JSON text of bytes written by {@link #encode}, for a person to read (its checksum is not
   * checked); empty for null or bytes too short to hold any.
   */
  public static Optional<String> jsonText(byte[] stored) {
    if (stored == null || stored.length < 5) {
      return Optional.empty();
    }
    return Optional.of(new String(stored, 4, stored.length - 4, StandardCharsets.UTF_8));
  }

  /**
   * Decodes bytes written by {@link #encode}.
   *
   * @throws CorruptCheckpointException if the bytes are truncated, altered or not a value of the
   *     codec's type; never another exception, never a wrong object
   */
  public static <T> T decode(CheckpointCodec<T> codec, byte[] stored) {
    if (stored == null || stored.length < 5) {
      throw new CorruptCheckpointException(
          "checkpoint of " + (stored == null ? "no" : stored.length) + " bytes is truncated", null);
    }
    CRC32 crc = new CRC32();
    crc.update(stored, 4, stored.length - 4);
    if (ByteBuffer.wrap(stored, 0, 4).getInt() != (int) crc.getValue()) {
      throw new CorruptCheckpointException(
          "checkpoint checksum mismatch: the bytes were truncated or altered", null);
    }
    try (JsonParser in = JSON.createParser(stored, 4, stored.length - 4)) {
      if (in.nextToken() == null) {
        throw new CorruptCheckpointException("checkpoint holds no value", null);
      }
      T value = codec.read(in);
      if (in.nextToken() != null) {
        throw new CorruptCheckpointException("checkpoint has data after its value", null);
      }
      return value;
    } catch (IOException | RuntimeException e) {
      if (e instanceof CorruptCheckpointException) {
        throw (CorruptCheckpointException) e;
      }
      // Any failure to rebuild the value (including a record constructor rejecting it) means the
      // bytes do not hold what the step produced.
      throw new CorruptCheckpointException("checkpoint cannot be decoded: " + e.getMessage(), e);
    }
  }

  private static String describe(Object value) {
    return value == null ? "null" : "a " + value.getClass().getName();
  }

  private static void expect(JsonParser in, JsonToken token, String what) throws IOException {
    if (in.currentToken() != token) {
      throw new JsonParseException(in, "expected " + what + ", found " + in.currentToken());
    }
  }

  private static <T> void writeArray(
      JsonGenerator out, Iterable<T> items, CheckpointCodec<T> element) throws IOException {
    if (items == null) {
      out.writeNull();
      return;
    }
    out.writeStartArray();
    for (T item : items) {
      element.write(out, item);
    }
    out.writeEndArray();
  }

  private static <T> List<T> readArray(JsonParser in, CheckpointCodec<T> element)
      throws IOException {
    if (in.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(in, JsonToken.START_ARRAY, "an array");
    List<T> items = new ArrayList<>();
    while (in.nextToken() != JsonToken.END_ARRAY) {
      if (in.currentToken() == null) {
        throw new JsonParseException(in, "unterminated array");
      }
      items.add(element.read(in));
    }
    return items;
  }

  private static <T> CheckpointCodec<T> textual(
      String what, Function<T, String> format, Function<String, T> parse) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, T value) throws IOException {
        if (value == null) {
          out.writeNull();
        } else {
          out.writeString(format.apply(value));
        }
      }

      @Override
      public T read(JsonParser in) throws IOException {
        if (in.currentToken() == JsonToken.VALUE_NULL) {
          return null;
        }
        expect(in, JsonToken.VALUE_STRING, what);
        String text = in.getText();
        try {
          return parse.apply(text);
        } catch (RuntimeException e) {
          throw new JsonParseException(in, "'" + text + "' is not " + what, e);
        }
      }
    };
  }

  private static <T extends Number> CheckpointCodec<T> integral(
      String what, long min, long max, Function<Long, T> narrow) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, T value) throws IOException {
        if (value == null) {
          out.writeNull();
        } else {
          out.writeNumber(value.longValue());
        }
      }

      @Override
      public T read(JsonParser in) throws IOException {
        if (in.currentToken() == JsonToken.VALUE_NULL) {
          return null;
        }
        expect(in, JsonToken.VALUE_NUMBER_INT, what);
        if (in.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw new JsonParseException(in, in.getText() + " is out of range for " + what);
        }
        long v = in.getLongValue();
        if (v < min || v > max) {
          throw new JsonParseException(in, v + " is out of range for " + what);
        }
        return narrow.apply(v);
      }
    };
  }

  /**
   * Finite values as JSON numbers; NaN and the infinities as strings, which JSON lacks numbers for.
   */
  private static <T extends Number> CheckpointCodec<T> floating(
      String what, Function<T, Double> widen, Function<String, T> parse) {
    return new CheckpointCodec<>() {
      @Override
      public void write(JsonGenerator out, T value) throws IOException {
        if (value == null) {
          out.writeNull();
          return;
        }
        double d = widen.apply(value);
        if (Double.isFinite(d)) {
          if (value instanceof Float) {
            out.writeNumber(value.floatValue());
          } else {
            out.writeNumber(d);
          }
        } else {
          out.writeString(Double.toString(d));
        }
      }

      @Override
      public T read(JsonParser in) throws IOException {
        switch (in.currentToken()) {
          case VALUE_NULL:
            return null;
          case VALUE_NUMBER_INT:
          case VALUE_NUMBER_FLOAT:
            // Parsed from the literal, so a float never goes through double rounding.
            return parse.apply(in.getText());
          case VALUE_STRING:
            String text = in.getText();
            if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity")) {
              return parse.apply(text);
            }
            throw new JsonParseException(in, "'" + text + "' is not " + what);
          default:
            throw new JsonParseException(in, "expected " + what + ", found " + in.currentToken());
        }
      }
    };
  }
}
