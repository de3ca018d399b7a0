package dev.firebreak.runtime.langchain4j;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * Reads the delay a server asks for before the next request: {@code retry-after-ms} (sent by OpenAI
 * and others), else {@code Retry-After} in seconds or as an HTTP date (RFC 9110).
 */
final class RetryAfterHeaders {
  private RetryAfterHeaders() {}

  /** The delay {@code headers} ask for, measured from {@code now}; null if none or unreadable. */
  static Duration parse(Map<String, List<String>> headers, Instant now) {
    String millis = first(headers, "retry-after-ms");
    if (millis != null) {
      try {
        return nonNegative(Duration.ofMillis(Math.round(Double.parseDouble(millis))));
      } catch (NumberFormatException e) {
        // fall back to Retry-After
      }
    }
    String value = first(headers, "retry-after");
    if (value == null) {
      return null;
    }
    try {
      return nonNegative(Duration.ofSeconds(Long.parseLong(value)));
    } catch (NumberFormatException e) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return nonNegative(Duration.between(now, at));
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** The first value of header {@code name}, whatever its case. */
  private static String first(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
        return e.getValue().get(0).trim();
      }
    }
    return null;
  }
}
