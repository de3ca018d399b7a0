package dev.firebreak.runtime.console;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A value read at most once per {@code ttl} nanoseconds: the console's counts, which a store reads
 * through an index of every run (or letter), so that page loads do not each pay for it.
 */
final class Cached<T> {
  private record Entry<T>(T value, long readAt) {}

  private final Supplier<T> read;
  private final long ttlNanos;
  private final LongSupplier clock;
  private final AtomicReference<Entry<T>> entry = new AtomicReference<>();

  Cached(Supplier<T> read, long ttlNanos, LongSupplier clock) {
    this.read = read;
    this.ttlNanos = ttlNanos;
    this.clock = clock;
  }

  T get() {
    long now = clock.getAsLong();
    Entry<T> e = entry.get();
    if (e == null || now - e.readAt() >= ttlNanos) {
      e = new Entry<>(read.get(), now);
      entry.set(e);
    }
    return e.value();
  }

  /** Forgets the value: the next read goes to the store (after an action changed it). */
  void clear() {
    entry.set(null);
  }
}
