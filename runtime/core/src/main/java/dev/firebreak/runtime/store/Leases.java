package dev.firebreak.runtime.store;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a durable store leases unfinished runs to the process that runs them: this process's owner
 * id, how long a claim or a renewal lasts, and the wall clock that measures it. Every durable store
 * (SQLite, PostgreSQL, Redis) holds one; the store's writes apply it atomically, each in its own
 * dialect.
 *
 * <p>A run is owned by one process at a time. Opening or taking over a run claims it until {@link
 * #until}; the runtime renews the leases of its runs in flight every third of {@link #duration}. A
 * run whose lease has expired may be taken over by another owner; an ended run belongs to nobody.
 */
public final class Leases {
  /** How long a run stays owned after it is claimed or its lease renewed, unless configured. */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(60);

  private final String owner;
  private final long millis;
  private final Clock clock;

  private Leases(String owner, Duration duration, Clock clock) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.millis = duration.toMillis();
    if (millis <= 0) {
      throw new IllegalArgumentException("lease must be positive: " + duration);
    }
  }

  /**
   * Leases held by {@code owner} for {@code duration} past each claim or renewal, on {@code clock}.
   *
   * @param owner this process's owner id: a stable one (its host or pod name) takes its own runs
   *     back at once after a restart; runs of another owner are taken over only when their lease
   *     expires
   */
  public static Leases of(String owner, Duration duration, Clock clock) {
    return new Leases(owner, duration, clock);
  }

  /** Leases of {@link #defaultOwner()} for {@link #DEFAULT_DURATION} on the system clock. */
  public static Leases defaults() {
    return of(defaultOwner(), DEFAULT_DURATION, Clock.systemUTC());
  }

  /**
   * The owner id of a process that does not name itself: its host name, stable across restarts (so
   * a restarted process takes its own runs back at once) and distinct across machines. Two
   * processes on one host sharing a store must be given distinct ids.
   */
  public static String defaultOwner() {
    try {
      return "host:" + InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "host:localhost";
    }
  }

  public String owner() {
    return owner;
  }

  public Duration duration() {
    return Duration.ofMillis(millis);
  }

  /** The time on the leases' clock, in epoch milliseconds. */
  public long now() {
    return clock.millis();
  }

  /** When a lease claimed or renewed at {@code now} expires. */
  public long until(long now) {
    return now + millis;
  }

  /** The lease duration in milliseconds, as scripts take it. */
  public long millis() {
    return millis;
  }
}
