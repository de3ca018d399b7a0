package dev.firebreak.runtime.store;

/**
 * How a store's writer thread has spent its time so far: how many writes each commit carried (the
 * point of group commit), and the time spent applying writes, committing and syncing. Counters only
 * grow; read them before and after to measure a stretch.
 */
public final class WriterStats {
  private final java.util.concurrent.atomic.LongAdder commits =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder writes =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder applyingNanos =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder committingNanos =
      new java.util.concurrent.atomic.LongAdder();

  private final java.util.concurrent.atomic.LongAdder syncs =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder syncingNanos =
      new java.util.concurrent.atomic.LongAdder();

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
  public java.time.Duration syncing() {
    return java.time.Duration.ofNanos(syncingNanos.sum());
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
  public java.time.Duration applying() {
    return java.time.Duration.ofNanos(applyingNanos.sum());
  }

  /** Time spent in commits (on SQLite writing the WAL, whose sync is {@link #syncing}). */
  public java.time.Duration committing() {
    return java.time.Duration.ofNanos(committingNanos.sum());
  }

  @Override
  public String toString() {
    long c = Math.max(1, commits());
    long w = Math.max(1, writes());
    long y = Math.max(1, syncs());
    String writing =
        String.format(
            java.util.Locale.ROOT,
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
            java.util.Locale.ROOT,
            "; %,d syncs, %.1f commits per sync, %.0f µs per sync",
            syncs(),
            commits() / (double) y,
            syncingNanos.sum() / 1e3 / y);
  }
}
