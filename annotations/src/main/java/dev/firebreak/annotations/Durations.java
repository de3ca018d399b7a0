package dev.firebreak.annotations;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grammar of Firebreak's durations, in annotations and in runtime overrides alike: an integer
 * and a unit, {@code "250ms"}, {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "2d"}, or ISO-8601
 * such as {@code "PT30S"}. Surrounding blanks are ignored. The processor parses the annotations'
 * durations with it at compile time and the runtime parses overrides with it when it binds a
 * workflow, so both accept the same strings.
 *
 * <p>The short form may carry a sign: {@code "-5s"} parses to a negative duration, so that a caller
 * reports it as negative rather than as malformed. Which durations may be zero or must be positive
 * is each element's rule (see {@link PolicyLimits}), not the grammar's.
 */
public final class Durations {
  private static final Pattern SHORT = Pattern.compile("([+-]?\\d{1,12})\\s*(ms|s|m|h|d)");

  private Durations() {}

  /** The duration {@code text} denotes, or empty if it is malformed. */
  public static Optional<Duration> parse(String text) {
    String t = text.trim();
    Matcher m = SHORT.matcher(t);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Optional.of(Duration.ofMillis(amount));
        case "s":
          return Optional.of(Duration.ofSeconds(amount));
        case "m":
          return Optional.of(Duration.ofMinutes(amount));
        case "h":
          return Optional.of(Duration.ofHours(amount));
        default:
          return Optional.of(Duration.ofDays(amount));
      }
    }
    if (t.length() > 1 && (t.charAt(0) == 'P' || t.charAt(0) == 'p' || t.charAt(1) == 'P')) {
      try {
        return Optional.of(Duration.parse(t));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * {@code d} in the short form users write, in the largest unit that renders it exactly, e.g.
   * {@code 30s}, {@code 1500ms}, {@code 2d}; below a millisecond is dropped.
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 86_400_000L == 0 && ms != 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0 && ms != 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0 && ms != 0) {
      return ms / 60_000L + "m";
    }
    if (ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }
}
