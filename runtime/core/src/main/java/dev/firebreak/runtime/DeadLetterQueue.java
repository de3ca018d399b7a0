package dev.firebreak.runtime;

import java.util.List;

/**
 * Where failed runs go, so that no failure is silent and every one can be replayed or discarded.
 */
public interface DeadLetterQueue extends AutoCloseable {
  /** Adds (or replaces) the dead letter of {@code letter.runId()}. */
  void add(DeadLetter letter);

  /** Every dead letter, oldest first. */
  List<DeadLetter> list();

  /** How many dead letters wait. */
  int size();

  /** The dead letter of run {@code runId}, if it has one. The default reads the whole list. */
  default java.util.Optional<DeadLetter> find(String runId) {
    return list().stream().filter(d -> d.runId().equals(runId)).findFirst();
  }

  /**
   * A page of at most {@code limit} dead letters of {@code reason} (null: every reason), newest
   * first (by time, then run id), after the page whose {@link DeadLetterPage#nextCursor()} is
   * {@code after} (null: the first page). A store's queue reads it through an index; this default
   * reads the whole list.
   *
   * @throws IllegalArgumentException if {@code limit} is not 1 to 1,000, or {@code after} is not a
   *     cursor of this method
   */
  default DeadLetterPage page(DeadLetterReason reason, int limit, String after) {
    DeadLetterCursor.checkLimit(limit);
    DeadLetterCursor from = after == null ? null : DeadLetterCursor.decode(after);
    List<DeadLetter> letters =
        list().stream()
            .filter(d -> reason == null || d.reason() == reason)
            .sorted(DeadLetterCursor.NEWEST_FIRST)
            .filter(d -> from == null || from.isBefore(d))
            .limit(limit + 1L)
            .toList();
    return DeadLetterCursor.page(letters, limit);
  }

  /**
   * How many dead letters wait, by reason; a reason without letters may be left out. A store's
   * queue counts through an index; this default reads the whole list.
   */
  default java.util.Map<DeadLetterReason, Long> countByReason() {
    java.util.Map<DeadLetterReason, Long> counts = new java.util.EnumMap<>(DeadLetterReason.class);
    for (DeadLetter d : list()) {
      counts.merge(d.reason(), 1L, Long::sum);
    }
    return counts;
  }

  /** Removes the dead letter of {@code runId}; returns whether there was one. */
  boolean discard(String runId);

  /** Releases the queue's resources; the default does nothing. */
  @Override
  default void close() {}
}
