package dev.firebreak.runtime.bus;

/** A group member's reading of a topic. */
public interface Subscription extends AutoCloseable {
  /**
   * Stops fetching records: those already fetched may still arrive (at most one fetch's worth),
   * nothing more until {@link #resume}.
   */
  void pause();

  /** Fetches records again after {@link #pause}. */
  void resume();

  /** Leaves the group; records not acknowledged go to other members. */
  @Override
  void close();
}
