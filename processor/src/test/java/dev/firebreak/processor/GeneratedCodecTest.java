package dev.firebreak.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.codec.Codecs;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codecs the processor generates for checkpointed records, exercised on the classes javac
 * produced: random values round-trip exactly, unknown fields are skipped and missing ones take
 * neutral values (schema evolution), and bytes of the wrong shape are refused as corrupt.
 */
class GeneratedCodecTest {
  private static CheckpointCodec<Object> invoiceCodec;
  private static Constructor<?> invoice;
  private static Constructor<?> line;
  private static Object[] currencies;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void compile() throws Exception {
    ClassLoader loader = GeneratedCodeRunsTest.compileFixture();
    Class<?> checkpoints =
        loader.loadClass("test.invoice.FirebreakInvoice_InvoiceWorkflow$Checkpoints");
    Field field = checkpoints.getDeclaredField("EXTRACTED_INVOICE_CODEC");
    field.setAccessible(true); // package-private in the generated class; a test may look
    invoiceCodec = (CheckpointCodec<Object>) field.get(null);
    Class<?> invoiceType = loader.loadClass("test.invoice.Invoice$ExtractedInvoice");
    Class<?> lineType = loader.loadClass("test.invoice.Invoice$Line");
    Class<?> currencyType = loader.loadClass("test.invoice.Invoice$Currency");
    invoice = invoiceType.getDeclaredConstructors()[0];
    line = lineType.getDeclaredConstructors()[0];
    currencies = currencyType.getEnumConstants();
  }

  private static String text(Random r) {
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      // Printable ASCII, accents, quotes, control characters and a non-BMP emoji.
      // The emoji is two chars (a surrogate pair), so a string: as a char literal it is refused.
      int pick = r.nextInt(10);
      if (pick < 6) {
        s.append((char) (32 + r.nextInt(95)));
      } else if (pick < 8) {
        s.append("é\"\\\n\t".charAt(r.nextInt(5)));
      } else if (pick < 9) {
        s.append('\u0001');
      } else {
        s.append("\uD83D\uDE00");
      }
    }
    return s.toString();
  }

  private static Object randomInvoice(Random r) throws Exception {
    List<Object> lines = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      lines.add(
          line.newInstance(
              r.nextBoolean() ? text(r) : null,
              r.nextInt(),
              r.nextBoolean() ? new BigDecimal(r.nextLong()).movePointLeft(r.nextInt(6)) : null));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      metadata.put(text(r), r.nextBoolean() ? text(r) : null);
    }
    return invoice.newInstance(
        r.nextBoolean() ? text(r) : null,
        text(r),
        r.nextBoolean() ? currencies[r.nextInt(currencies.length)] : null,
        lines,
        r.nextBoolean() ? LocalDate.ofEpochDay(r.nextInt(40_000) - 20_000) : null,
        r.nextBoolean() ? Optional.of(text(r)) : Optional.empty(),
        metadata);
  }

  @Test
  void randomRecordsRoundTripExactly() throws Exception {
    Random r = new Random(20261124);
    for (int i = 0; i < 2000; i++) {
      Object value = randomInvoice(r);
      assertEquals(
          value, Codecs.decode(invoiceCodec, Codecs.encode(invoiceCodec, value)), "case " + i);
    }
  }

  private static byte[] stored(String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(body);
    return ByteBuffer.allocate(body.length + 4).putInt((int) crc.getValue()).put(body).array();
  }

  @Test
  void unknownFieldsAreSkippedAndMissingOnesTakeNeutralValues() throws Exception {
    Object decoded =
        Codecs.decode(
            invoiceCodec,
            stored(
                "{\"number\":\"INV-1\",\"addedLater\":{\"deep\":[1,{\"x\":null}]},"
                    + "\"lines\":[{\"sku\":\"A\",\"discount\":0.1}],\"currency\":\"EUR\"}"));
    Object expected =
        invoice.newInstance(
            "INV-1",
            null,
            currencies[0],
            List.of(line.newInstance("A", 0, null)),
            null,
            Optional.empty(),
            Map.of());
    assertEquals(expected, decoded);
  }

  @Test
  void bytesOfTheWrongShapeAreCorruptNeverAWrongObject() {
    for (String json :
        List.of(
            "{\"lines\":\"not a list\"}",
            "{\"currency\":\"GBP\"}",
            "{\"issued\":\"2026-02-30\"}",
            "[]",
            "{\"number\":\"INV-1\"",
            "{\"lines\":[{\"quantity\":\"two\"}]}")) {
      assertThrows(
          CorruptCheckpointException.class, () -> Codecs.decode(invoiceCodec, stored(json)), json);
    }
  }
}
