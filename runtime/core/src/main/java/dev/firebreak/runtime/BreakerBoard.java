package dev.firebreak.runtime;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The circuit breakers that the nodes of one store share: one record per breaker name, the truth
 * every node follows. A node whose breaker opens writes it here and every other node opens its own
 * within a second, so ten nodes do not each spend {@code failureThreshold} calls on a dead service.
 * One node at a time holds the half-open trial, until its record's {@code trialUntil}; another node
 * may take it only after that.
 *
 * <p>Records change only by {@link #swap}, a compare-and-set on the version. {@link #listen} is a
 * wake-up hint (PostgreSQL NOTIFY, Redis pub/sub), never the truth: a node that misses one still
 * reads the records on its next poll.
 *
 * <p>Times are milliseconds since the epoch, by the store's clock.
 */
public interface BreakerBoard {
  /**
   * One breaker's shared record.
   *
   * @param version 0 for a breaker with no record yet; each swap adds one
   * @param openUntil while OPEN: when a trial may begin
   * @param trialNode while HALF_OPEN: the node whose calls are the trials
   * @param trialUntil while HALF_OPEN: when another node may take the trial over
   */
  record Entry(
      String name,
      CircuitBreakerState state,
      long version,
      long openUntil,
      String trialNode,
      long trialUntil) {
    public Entry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(state, "state");
    }

    /** What a breaker with no record is: closed, version 0. */
    public static Entry closed(String name) {
      return new Entry(name, CircuitBreakerState.CLOSED, 0, 0, null, 0);
    }

    /** This record's next version, with the given state. */
    public Entry next(
        CircuitBreakerState state, long openUntil, String trialNode, long trialUntil) {
      return new Entry(name, state, version + 1, openUntil, trialNode, trialUntil);
    }
  }

  /**
   * Writes {@code next} if the stored version of its breaker is {@code next.version() - 1} (no
   * record counts as version 0); returns what is stored afterwards: {@code next}, or the record
   * that was there instead.
   */
  Entry swap(Entry next);

  /** The records of {@code names}; a name without one is {@link Entry#closed}. */
  List<Entry> read(Collection<String> names);

  /**
   * Calls {@code changed} with a breaker's name, on a thread of the board's, whenever a node may
   * have swapped it: a hint to read it now rather than at the next poll. Stops when the store
   * closes. The default gives no hints.
   */
  default void listen(Consumer<String> changed) {}
}
