package dev.firebreak.runtime.remote;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CallRecords} in a map: each key's changes are atomic through {@code compute}. */
final class InMemoryCallRecords implements CallRecords {
  /**
   * A key's record: an output kept until {@code until}, or a claim by {@code worker} until then.
   */
  private record Entry(String worker, byte[] output, Instant until) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Claim claim(String key, String worker, Instant now, Instant until) {
    Entry mine = new Entry(worker, null, until);
    Entry after =
        entries.compute(
            key, (k, e) -> e == null || (e.output == null && !e.until.isAfter(now)) ? mine : e);
    if (after == mine) {
      return new Claim(State.CLAIMED, null, until);
    }
    return after.output != null
        ? new Claim(State.DONE, after.output.clone(), after.until)
        : new Claim(State.BUSY, null, after.until);
  }

  @Override
  public boolean renew(String key, String worker, Instant until) {
    boolean[] renewed = {false};
    entries.computeIfPresent(
        key,
        (k, e) -> {
          if (e.output == null && worker.equals(e.worker)) {
            renewed[0] = true;
            return new Entry(worker, null, until);
          }
          return e;
        });
    return renewed[0];
  }

  @Override
  public boolean done(String key, String worker, byte[] output, Instant keepUntil) {
    Entry mine = new Entry(null, output.clone(), keepUntil);
    Entry after =
        entries.compute(
            key, (k, e) -> e == null || (e.output == null && worker.equals(e.worker)) ? mine : e);
    return after == mine;
  }

  @Override
  public void release(String key, String worker) {
    entries.computeIfPresent(key, (k, e) -> e.output == null && worker.equals(e.worker) ? null : e);
  }

  @Override
  public void forget(String key) {
    entries.remove(key);
  }

  @Override
  public int expire(Instant now) {
    int before = entries.size();
    entries.values().removeIf(e -> !e.until.isAfter(now));
    return before - entries.size();
  }

  @Override
  public Optional<byte[]> output(String key) {
    Entry e = entries.get(key);
    return e == null || e.output == null ? Optional.empty() : Optional.of(e.output.clone());
  }

  @Override
  public void close() {}
}
