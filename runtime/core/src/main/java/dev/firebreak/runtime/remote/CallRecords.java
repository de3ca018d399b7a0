package dev.firebreak.runtime.remote;

import java.time.Instant;
import java.util.Optional;

/**
 * A worker's record of the calls it served, keyed by idempotency key: what makes a call delivered
 * twice take effect once. It keeps a successful call's output (answered again from here, not called
 * again) and a mark while a worker runs a call; never a failure, so a retry is a real call. Workers
 * of one agent share one record (the worker's store: {@link #inMemory()} for one process, {@link
 * dev.firebreak.runtime.store.SqliteCallRecords} for processes on one host, {@code
 * RedisCallRecords} of {@code firebreak-redis} or {@code PostgresCallRecords} of {@code
 * firebreak-postgres} for any host).
 */
public interface CallRecords extends AutoCloseable {
  /** What {@link #claim} found. */
  enum State {
    /** The call is this worker's to run now: no output, no live mark of another worker. */
    CLAIMED,
    /** Another claim is live: a worker runs the call now. */
    BUSY,
    /** The call succeeded before: {@link Claim#output} is its output. */
    DONE
  }

  /** What {@link #claim} found; {@code output} is set when DONE, {@code until} when BUSY. */
  record Claim(State state, byte[] output, Instant until) {}

  /**
   * Claims {@code key} for {@code worker} until {@code until}, unless it is done, or claimed by a
   * claim that lasts past {@code now}.
   */
  Claim claim(String key, String worker, Instant now, Instant until);

  /** Extends {@code worker}'s claim of {@code key}; false if it is no longer its own. */
  boolean renew(String key, String worker, Instant until);

  /**
   * Records {@code key}'s output, kept until {@code keepUntil}, if {@code worker} still holds its
   * claim (or the claim lapsed and nobody took it); false if another worker claimed it meanwhile.
   */
  boolean done(String key, String worker, byte[] output, Instant keepUntil);

  /** Drops {@code worker}'s claim of {@code key} (the call failed): the next call is a real one. */
  void release(String key, String worker);

  /**
   * Drops whatever is recorded for {@code key}, an output or a claim: the next call of it is a real
   * one (a step undone by its compensation, so that a replay of the run does it again).
   */
  void forget(String key);

  /** Forgets outputs kept past their time, and claims that lapsed; returns how many. */
  int expire(Instant now);

  /** The output recorded for {@code key}, if any. */
  Optional<byte[]> output(String key);

  @Override
  void close();

  /** Records in this process's memory: for workers of one process (and tests). */
  static CallRecords inMemory() {
    return new InMemoryCallRecords();
  }
}
