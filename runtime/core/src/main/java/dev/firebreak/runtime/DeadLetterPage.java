package dev.firebreak.runtime;

import java.util.List;

/**
 * A page of dead letters, newest first, from {@link DeadLetterQueue#page}.
 *
 * @param nextCursor where the next page starts (pass it as {@code after}); null on the last page
 */
public record DeadLetterPage(List<DeadLetter> letters, String nextCursor) {
  public DeadLetterPage {
    letters = List.copyOf(letters);
  }

  public boolean hasNext() {
    return nextCursor != null;
  }
}
