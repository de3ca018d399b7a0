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

  /** Removes the dead letter of {@code runId}; returns whether there was one. */
  boolean discard(String runId);

  /** Releases the queue's resources; the default does nothing. */
  @Override
  default void close() {}
}
