package dev.firebreak.runtime.store;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * How a store's writer thread has spent its time so far: how many writes each commit carried (the
 * point of group commit), and the time spent applying writes, committing and syncing. Counters only
 * grow; read them before and after to measure a stretch.
 */
public final class WriterStats {
  private final LongAdder commits = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder applyingNanos = new LongAdder();
  private final LongAdder committingNanos = new LongAdder();

  private final LongAdder syncs = new LongAdder();
  private final LongAdder syncingNanos = new LongAdder();

  public void recordSync(long nanos) {
    syncs.increment();
    syncingNanos.add(nanos);
  }

  /**
   * Syncs of the log made apart from the commits (SQLite's WAL), each making every commit before it
   * durable; 0 where a commit is durable by itself (PostgreSQL).
   */
  public long syncs() {
    return syncs.sum();
  }

  /** Time spent in those syncs. */
  public Duration syncing() {
    return Duration.ofNanos(syncingNanos.sum());
  }

  public void record(int batch, long applying, long committing) {
    commits.increment();
    writes.add(batch);
    applyingNanos.add(applying);
    committingNanos.add(committing);
  }

  public long commits() {
    return commits.sum();
  }

  public long writes() {
    return writes.sum();
  }

  /** Time spent running the writes' statements, before their commit. */
  public Duration applying() {
    return Duration.ofNanos(applyingNanos.sum());
  }

  /** Time spent in commits (on SQLite writing the WAL, whose sync is {@link #syncing}). */
  public Duration committing() {
    return Duration.ofNanos(committingNanos.sum());
  }

  @Override
  public String toString() {
    long c = Math.max(1, commits());
    long w = Math.max(1, writes());
    long y = Math.max(1, syncs());
    String writing =
        String.format(
            Locale.ROOT,
            "%,d commits, %.1f writes per commit, %.1f µs applying per write, %.0f µs per commit",
            commits(),
            writes() / (double) c,
            applyingNanos.sum() / 1e3 / w,
            committingNanos.sum() / 1e3 / c);
    if (syncs() == 0) {
      return writing;
    }
    return writing
        + String.format(
            Locale.ROOT,
            "; %,d syncs, %.1f commits per sync, %.0f µs per sync",
            syncs(),
            commits() / (double) y,
            syncingNanos.sum() / 1e3 / y);
  }
}
