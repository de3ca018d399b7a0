package dev.firebreak.runtime.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.firebreak.runtime.TimelineEntry;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run's timeline as stores keep it: one JSON object per line, appended as the run goes, readable
 * with {@code sqlite3} or {@code redis-cli} alone:
 *
 * <pre>{@code
 * {"at":"2026-12-01T05:15:09.120000Z","step":"ocr","kind":"FAILED","attempt":1,"tookMs":12.5,
 *  "error":["java.io.IOException: scanner offline"]}
 * }</pre>
 *
 * (one line). Times and durations are kept to the microsecond. An error chain keeps its first
 * {@value #MAX_CAUSES} entries, each cut to {@value #MAX_ERROR_CHARS} characters, so that a step
 * retried many times keeps a bounded record.
 */
public final class TimelineJson {
  static final int MAX_CAUSES = 8;
  static final int MAX_ERROR_CHARS = 1_000;

  private static final JsonFactory JSON = new JsonFactory();

  private TimelineJson() {}

  /** {@code entries} as lines, each ending in a newline; empty for none. */
  public static String encode(List<TimelineEntry> entries) {
    if (entries.isEmpty()) {
      return "";
    }
    StringWriter out = new StringWriter(entries.size() * 112);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.setRootValueSeparator(NEWLINE);
      for (TimelineEntry e : entries) {
        g.writeStartObject();
        g.writeStringField("at", iso(e.at()));
        g.writeStringField("step", e.step());
        g.writeStringField("kind", e.kind().name());
        if (e.attempt() > 0) {
          g.writeNumberField("attempt", e.attempt());
        }
        if (!e.took().isZero()) {
          g.writeFieldName("tookMs");
          g.writeNumber(millis(e.took()));
        }
        if (!e.detail().isEmpty()) {
          g.writeStringField("detail", e.detail());
        }
        if (!e.errorChain().isEmpty()) {
          g.writeArrayFieldStart("error");
          for (int i = 0; i < Math.min(MAX_CAUSES, e.errorChain().size()); i++) {
            String cause = e.errorChain().get(i);
            g.writeString(
                cause.length() <= MAX_ERROR_CHARS ? cause : cause.substring(0, MAX_ERROR_CHARS));
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    out.write('\n');
    return out.toString();
  }

  private static final SerializedString NEWLINE = new SerializedString("\n");

  private static final DateTimeFormatter TO_THE_SECOND =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The second last formatted: a run's entries mostly share one, and formatting costs. */
  private record Second(long epochSecond, String text) {}

  private static volatile Second lastSecond = new Second(0, TO_THE_SECOND.format(Instant.EPOCH));

  /** {@code at} in ISO-8601 to the microsecond, UTC: {@code 2026-12-01T05:15:09.120000Z}. */
  static String iso(Instant at) {
    Second second = lastSecond;
    if (second.epochSecond != at.getEpochSecond()) {
      second = new Second(at.getEpochSecond(), TO_THE_SECOND.format(at));
      lastSecond = second;
    }
    StringBuilder text = new StringBuilder(27).append(second.text).append('.');
    String micros = Integer.toString(at.getNano() / 1_000);
    text.append("000000", 0, 6 - micros.length()).append(micros);
    return text.append('Z').toString();
  }

  /** {@code took} in milliseconds to the microsecond: {@code 12.345}. */
  static String millis(Duration took) {
    long micros = took.toNanos() / 1_000;
    String fraction = Long.toString(micros % 1_000);
    return new StringBuilder(12)
        .append(micros / 1_000)
        .append('.')
        .append("000", 0, 3 - fraction.length())
        .append(fraction)
        .toString();
  }

  /**
   * The entries of {@code lines} (as {@link #encode} wrote them, appended in any number of writes),
   * oldest first, each once.
   *
   * @throws IllegalArgumentException naming the line that is not an entry
   */
  public static List<TimelineEntry> decode(String lines) {
    List<TimelineEntry> entries = new ArrayList<>();
    if (lines == null) {
      return entries;
    }
    int n = 0;
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String line : lines.split("\n")) {
      n++;
      if (line.isBlank() || !seen.add(line)) {
        // A write tried again after its connection broke may have appended its lines twice.
        continue;
      }
      try {
        entries.add(entry(line));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(
            "line " + n + " of the timeline is not an entry: " + line, e);
      }
    }
    entries.sort((a, b) -> a.at().compareTo(b.at()));
    return entries;
  }

  private static TimelineEntry entry(String line) throws IOException {
    Instant at = null;
    String step = null;
    TimelineEntry.Kind kind = null;
    int attempt = 0;
    Duration took = Duration.ZERO;
    String detail = "";
    List<String> error = new ArrayList<>();
    try (JsonParser in = JSON.createParser(line)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not an object");
      }
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        in.nextToken();
        switch (field) {
          case "at" -> at = Instant.parse(in.getText());
          case "step" -> step = in.getText();
          case "kind" -> kind = TimelineEntry.Kind.valueOf(in.getText());
          case "attempt" -> attempt = in.getIntValue();
          case "tookMs" ->
              took = Duration.ofNanos(in.getDecimalValue().movePointRight(6).longValue());
          case "detail" -> detail = in.getText();
          case "error" -> {
            while (in.nextToken() == JsonToken.VALUE_STRING) {
              error.add(in.getText());
            }
          }
          default -> in.skipChildren();
        }
      }
    }
    return new TimelineEntry(at, step, kind, attempt, took, detail, error);
  }
}
