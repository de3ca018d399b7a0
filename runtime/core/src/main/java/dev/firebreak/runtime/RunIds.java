package dev.firebreak.runtime;

import java.util.Objects;

/**
 * The rules for run ids ({@code @RunId} values, and the ids every store and the runtime's run
 * methods take), and how an id is written into a log line.
 *
 * <p>A run id is a non-empty string of at most {@value #MAX_LENGTH} chars (UTF-16 code units) that
 * is well-formed UTF-16 (every surrogate in a pair) and holds no NUL character. Every store keeps
 * such an id exactly, so two distinct ids never name one run: an unpaired surrogate would be stored
 * as {@code ?} by the SQLite and PostgreSQL drivers and by Redis's UTF-8 keys, and a NUL cuts a
 * string short in some drivers. Any other character, a newline included, is allowed; logs show ids
 * through {@link #forLog}.
 */
public final class RunIds {
  /** The longest run id, in chars: an invoice number, a message key or a UUID fits many times. */
  public static final int MAX_LENGTH = 255;

  /** How much of an id a log line shows. */
  static final int LOG_LENGTH = 80;

  private RunIds() {}

  /**
   * Returns {@code runId} if it is a valid run id.
   *
   * @throws NullPointerException if it is null
   * @throws IllegalArgumentException if it is empty, longer than {@value #MAX_LENGTH} chars, holds
   *     an unpaired surrogate or a NUL character; the message shows the id escaped and shortened
   */
  public static String check(String runId) {
    Objects.requireNonNull(runId, "runId");
    String problem = problem(runId);
    if (problem != null) {
      throw new IllegalArgumentException("invalid run id " + forLog(runId) + ": " + problem);
    }
    return runId;
  }

  /** Why {@code runId} is not a valid run id, or null if it is. */
  private static String problem(String runId) {
    int n = runId.length();
    if (n == 0) {
      return "it is empty";
    }
    if (n > MAX_LENGTH) {
      return "it has " + n + " chars, more than the " + MAX_LENGTH + " a run id may have";
    }
    for (int i = 0; i < n; i++) {
      char c = runId.charAt(i);
      if (c == 0) {
        return "it holds a NUL character at index " + i;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(runId.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return String.format(
            "it is not well-formed UTF-16: an unpaired surrogate U+%04X at index %d", (int) c, i);
      }
    }
    return null;
  }

  /**
   * {@code runId} as a log line shows it: quoted, with control characters, line and paragraph
   * separators, quotes and backslashes escaped ({@code \n}, {@code \u2028}, ...), and cut to
   * {@value #LOG_LENGTH} chars with the length it had. An id can then neither start a forged log
   * line nor make a long one.
   */
  public static String forLog(String runId) {
    if (runId == null) {
      return "null";
    }
    int shown = Math.min(runId.length(), LOG_LENGTH);
    StringBuilder b = new StringBuilder(shown + 16).append('"');
    for (int i = 0; i < shown; i++) {
      char c = runId.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (printable(runId, i, shown)) {
            b.append(c);
          } else {
            b.append(String.format("\\u%04x", (int) c));
          }
        }
      }
    }
    b.append('"');
    if (shown < runId.length()) {
      b.append("...(").append(runId.length()).append(" chars)");
    }
    return b.toString();
  }

  /**
   * Whether char {@code i} of {@code s} (shown up to {@code end}) goes into a log line as it is.
   */
  private static boolean printable(String s, int i, int end) {
    char c = s.charAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
      return false;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
    return true;
  }
}
