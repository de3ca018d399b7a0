package dev.firebreak.runtime.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CorruptCheckpointException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CodecsTest {
  enum Colour {
    RED,
    GREEN
  }

  private static <T> T roundTrip(CheckpointCodec<T> codec, T value) {
    return Codecs.decode(codec, Codecs.encode(codec, value));
  }

  @Test
  void scalarsRoundTripIncludingTheirEdges() {
    for (String s : Arrays.asList("", "héllo \"quoted\" \n", null)) {
      assertEquals(s, roundTrip(Codecs.STRING, s));
    }
    for (Integer i : Arrays.asList(Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE, null)) {
      assertEquals(i, roundTrip(Codecs.INT, i));
    }
    for (Long l : Arrays.asList(Long.MIN_VALUE, 0L, Long.MAX_VALUE)) {
      assertEquals(l, roundTrip(Codecs.LONG, l));
    }
    assertEquals((short) -32768, roundTrip(Codecs.SHORT, (short) -32768));
    assertEquals((byte) 127, roundTrip(Codecs.BYTE, (byte) 127));
    assertEquals('é', roundTrip(Codecs.CHAR, 'é'));
    assertEquals(Boolean.FALSE, roundTrip(Codecs.BOOLEAN, false));
    for (Double d :
        Arrays.asList(
            0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY)) {
      assertEquals(d, roundTrip(Codecs.DOUBLE, d));
    }
    for (Float f : Arrays.asList(0.1f, 3.4028235e38f, 1.4e-45f, Float.POSITIVE_INFINITY)) {
      assertEquals(f, roundTrip(Codecs.FLOAT, f));
    }
    assertEquals(
        "10.00",
        roundTrip(Codecs.BIG_DECIMAL, new BigDecimal("10.00")).toString(),
        "scale survives");
    assertEquals(
        new BigInteger("123456789012345678901234567890"),
        roundTrip(Codecs.BIG_INTEGER, new BigInteger("123456789012345678901234567890")));
    UUID id = UUID.randomUUID();
    assertEquals(id, roundTrip(Codecs.UUID, id));
    byte[] bytes = {0, -1, 42, 127, -128};
    assertArrayEquals(bytes, roundTrip(Codecs.BYTES, bytes));
  }

  @Test
  void timeTypesRoundTrip() {
    assertEquals(
        Instant.parse("2026-11-24T10:15:30.123456789Z"),
        roundTrip(Codecs.INSTANT, Instant.parse("2026-11-24T10:15:30.123456789Z")));
    assertEquals(
        LocalDate.of(2026, 2, 28), roundTrip(Codecs.LOCAL_DATE, LocalDate.of(2026, 2, 28)));
    assertEquals(
        LocalDateTime.of(2026, 2, 28, 23, 59),
        roundTrip(Codecs.LOCAL_DATE_TIME, LocalDateTime.of(2026, 2, 28, 23, 59)));
    assertEquals(LocalTime.NOON, roundTrip(Codecs.LOCAL_TIME, LocalTime.NOON));
    OffsetDateTime odt = OffsetDateTime.parse("2026-11-24T10:15:30+01:00");
    assertEquals(odt, roundTrip(Codecs.OFFSET_DATE_TIME, odt));
    ZonedDateTime zdt = ZonedDateTime.parse("2026-03-29T01:30+01:00[Europe/Paris]");
    assertEquals(zdt, roundTrip(Codecs.ZONED_DATE_TIME, zdt));
    assertEquals(Duration.ofMillis(1500), roundTrip(Codecs.DURATION, Duration.ofMillis(1500)));
    assertEquals(Period.of(1, 2, 3), roundTrip(Codecs.PERIOD, Period.of(1, 2, 3)));
  }

  @Test
  void collectionsOptionalsMapsAndEnumsRoundTrip() {
    CheckpointCodec<List<Colour>> list = Codecs.list(Codecs.enumOf(Colour.values()));
    assertEquals(
        Arrays.asList(Colour.RED, null, Colour.GREEN),
        roundTrip(list, Arrays.asList(Colour.RED, null, Colour.GREEN)));
    assertEquals(Set.of("a", "b"), roundTrip(Codecs.set(Codecs.STRING), Set.of("a", "b")));
    assertEquals(Optional.of(3), roundTrip(Codecs.optional(Codecs.INT), Optional.of(3)));
    assertEquals(Optional.empty(), roundTrip(Codecs.optional(Codecs.INT), Optional.empty()));
    Map<UUID, List<BigDecimal>> map = new LinkedHashMap<>();
    map.put(UUID.randomUUID(), List.of(BigDecimal.ONE));
    map.put(UUID.randomUUID(), List.of());
    assertEquals(map, roundTrip(Codecs.map(KeyCodec.UUID, Codecs.list(Codecs.BIG_DECIMAL)), map));
    Map<Colour, Long> byEnum = Map.of(Colour.GREEN, 7L);
    assertEquals(
        byEnum, roundTrip(Codecs.map(KeyCodec.enumOf(Colour.values()), Codecs.LONG), byEnum));
    assertEquals(
        Map.of(-5, "x"), roundTrip(Codecs.map(KeyCodec.INT, Codecs.STRING), Map.of(-5, "x")));
  }

  @Test
  void wrongShapesAreCorruptNotWrongObjects() {
    assertCorrupt(Codecs.INT, "\"12\"");
    assertCorrupt(Codecs.INT, "4294967296");
    assertCorrupt(Codecs.BYTE, "200");
    assertCorrupt(Codecs.LONG, "99999999999999999999");
    assertCorrupt(Codecs.enumOf(Colour.values()), "\"BLUE\"");
    assertCorrupt(Codecs.LOCAL_DATE, "\"2026-02-30\"");
    assertCorrupt(Codecs.CHAR, "\"ab\"");
    assertCorrupt(Codecs.list(Codecs.STRING), "[\"a\"");
    assertCorrupt(Codecs.STRING, "\"a\" \"b\"");
    assertCorrupt(Codecs.map(KeyCodec.LONG, Codecs.STRING), "{\"x\": \"y\"}");
  }

  /** Bytes with a valid checksum but JSON of the wrong shape: the codec must refuse them. */
  private static void assertCorrupt(CheckpointCodec<?> codec, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    byte[] stored = new byte[body.length + 4];
    System.arraycopy(body, 0, stored, 4, body.length);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(body);
    java.nio.ByteBuffer.wrap(stored, 0, 4).putInt((int) crc.getValue());
    assertThrows(CorruptCheckpointException.class, () -> Codecs.decode(codec, stored), json);
  }

  @Test
  void everyTruncationAndEveryFlippedByteIsRefusedWithCorruptCheckpointException() {
    CheckpointCodec<Map<String, List<BigDecimal>>> codec =
        Codecs.map(KeyCodec.STRING, Codecs.list(Codecs.BIG_DECIMAL));
    byte[] good =
        Codecs.encode(
            codec, Map.of("lines", List.of(new BigDecimal("19.99"), new BigDecimal("-3"))));
    for (int len = 0; len < good.length; len++) {
      byte[] cut = Arrays.copyOf(good, len);
      assertThrows(
          CorruptCheckpointException.class, () -> Codecs.decode(codec, cut), "truncated to " + len);
    }
    Random random = new Random(20261124);
    for (int trial = 0; trial < 2000; trial++) {
      byte[] bad = good.clone();
      int at = random.nextInt(bad.length);
      bad[at] ^= (byte) (1 + random.nextInt(255));
      assertThrows(
          CorruptCheckpointException.class, () -> Codecs.decode(codec, bad), "flipped byte " + at);
    }
  }

  @Test
  void anUnencodableValueFailsLoudlyAtEncode() {
    Map<String, String> withNullKey = new java.util.HashMap<>();
    withNullKey.put(null, "v");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Codecs.encode(Codecs.map(KeyCodec.STRING, Codecs.STRING), withNullKey));
    assertTrue(e.getMessage().contains("null key"), e.getMessage());
  }

  @Test
  void whatIsWrittenCanBeReadPastJacksonsDefaultReadLimits() {
    String big = "s".repeat(25_000_000); // Jackson reads at most 20,000,000 chars by default
    assertEquals(big.length(), roundTrip(Codecs.STRING, big).length());
    byte[] blob = new byte[16_000_000]; // 21.3 million chars of base64
    new Random(1).nextBytes(blob);
    assertArrayEquals(blob, roundTrip(Codecs.BYTES, blob));
    Map<String, String> longKey = Map.of("k".repeat(60_000), "v"); // names: 50,000 by default
    assertEquals(longKey, roundTrip(Codecs.map(KeyCodec.STRING, Codecs.STRING), longKey));
    BigDecimal digits =
        new BigDecimal("9".repeat(5_000) + ".5"); // numbers: 1,000 digits by default
    CheckpointCodec<BigDecimal> asNumber =
        new CheckpointCodec<>() {
          @Override
          public void write(com.fasterxml.jackson.core.JsonGenerator out, BigDecimal value)
              throws java.io.IOException {
            out.writeNumber(value);
          }

          @Override
          public BigDecimal read(com.fasterxml.jackson.core.JsonParser in)
              throws java.io.IOException {
            return in.getDecimalValue();
          }
        };
    assertEquals(digits, roundTrip(asNumber, digits), "a user codec's long number");
  }

  /** Writes {@code depth} nested arrays and reads back how deep they were. */
  private static final CheckpointCodec<Integer> NESTED =
      new CheckpointCodec<>() {
        @Override
        public void write(com.fasterxml.jackson.core.JsonGenerator out, Integer depth)
            throws java.io.IOException {
          for (int i = 0; i < depth; i++) {
            out.writeStartArray();
          }
          for (int i = 0; i < depth; i++) {
            out.writeEndArray();
          }
        }

        @Override
        public Integer read(com.fasterxml.jackson.core.JsonParser in) throws java.io.IOException {
          int depth = 1;
          while (in.nextToken() == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
            depth++;
          }
          for (int i = 1; i < depth; i++) {
            in.nextToken();
          }
          return depth;
        }
      };

  @Test
  void aValueTooDeepToReadIsRefusedWhenWritten() {
    assertEquals(
        Codecs.MAX_NESTING_DEPTH,
        roundTrip(NESTED, Codecs.MAX_NESTING_DEPTH),
        "the deepest value round-trips");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Codecs.encode(NESTED, Codecs.MAX_NESTING_DEPTH + 1));
    assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
  }
}
