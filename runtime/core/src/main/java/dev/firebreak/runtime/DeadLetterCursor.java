package dev.firebreak.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Where a page of dead letters ends: its last letter's time (epoch millis) and run id, opaque to
 * callers. Letters go newest first: by time descending, then run id descending.
 */
public record DeadLetterCursor(long time, String runId) {
  /** The most letters a page holds. */
  public static final int MAX_LIMIT = 1_000;

  /** Dead letters newest first: by time descending, then run id descending. */
  public static final Comparator<DeadLetter> NEWEST_FIRST =
      Comparator.comparingLong((DeadLetter d) -> d.time().toEpochMilli())
          .thenComparing(DeadLetter::runId)
          .reversed();

  public DeadLetterCursor {
    Objects.requireNonNull(runId, "runId");
  }

  /** The cursor that follows {@code letter}. */
  public static DeadLetterCursor after(DeadLetter letter) {
    return new DeadLetterCursor(letter.time().toEpochMilli(), letter.runId());
  }

  /** Whether {@code letter} comes after this cursor, newest first. */
  public boolean isBefore(DeadLetter letter) {
    long t = letter.time().toEpochMilli();
    return t < time || (t == time && letter.runId().compareTo(runId) < 0);
  }

  public String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("d" + time + ":" + runId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws IllegalArgumentException if {@code cursor} is not one this class encoded
   */
  public static DeadLetterCursor decode(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      if (!text.startsWith("d") || colon < 0) {
        throw new IllegalArgumentException(cursor);
      }
      return new DeadLetterCursor(
          Long.parseLong(text.substring(1, colon)), RunIds.check(text.substring(colon + 1)));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a dead-letter cursor: " + cursor, e);
    }
  }

  /** Refuses a page size other than 1 to {@value #MAX_LIMIT}. */
  public static void checkLimit(int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
    }
  }

  /** The page of the first {@code limit} of {@code found} (which holds at most one more). */
  public static DeadLetterPage page(List<DeadLetter> found, int limit) {
    if (found.size() <= limit) {
      return new DeadLetterPage(found, null);
    }
    List<DeadLetter> letters = found.subList(0, limit);
    return new DeadLetterPage(letters, after(letters.get(limit - 1)).encode());
  }
}
