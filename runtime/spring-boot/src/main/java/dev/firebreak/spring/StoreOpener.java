package dev.firebreak.spring;

import dev.firebreak.runtime.CheckpointStore;
import java.time.Clock;
import java.time.Duration;

/**
 * One kind of store the starter can open: SQLite always; PostgreSQL and Redis when their Firebreak
 * modules are on the class path ({@link FirebreakStoreConfiguration}).
 */
interface StoreOpener extends AutoCloseable {
  /** The store's name in {@code firebreak.store}. */
  FirebreakProperties.Store kind();

  /** Why this store cannot be opened in this application; null if it can. */
  String missing();

  /** Opens the store as node {@code owner}, alive for {@code lease} past each heartbeat. */
  CheckpointStore open(String owner, Duration lease, Clock clock);

  /**
   * Releases what {@link #open} made for the store; the context calls it after the store's close.
   */
  @Override
  default void close() {}
}
