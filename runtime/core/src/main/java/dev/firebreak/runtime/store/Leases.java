package dev.firebreak.runtime.store;

import java.io.IOException;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How a durable store tells which processes are alive: this process's owner id (its node id), how
 * long its heartbeat lease lasts, and the wall clock that measures it. Every durable store (SQLite,
 * PostgreSQL, Redis) holds one.
 *
 * <p>Liveness costs per node, not per run. A run belongs to the node that opened or took it over;
 * the node renews one heartbeat lease every {@link #heartbeatInterval()} (a third of {@link
 * #duration()}), and the runs of a node whose lease has lapsed are taken over by the others. A node
 * trusts its own lease only until {@link #trustedFor()} after the beat that renewed it: one
 * interval short of its end, so that clocks apart by less than an interval never let two nodes run
 * one run.
 */
public final class Leases {
  /**
   * How long a node stays alive after its last heartbeat, unless configured: with the sweep that
   * follows, a dead node's runs run elsewhere within about 8 s.
   */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(6);

  private final String owner;
  private final long millis;
  private final Clock clock;

  private Leases(String owner, Duration duration, Clock clock) {
    this.owner = checkOwner(owner);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.millis = duration.toMillis();
    if (millis < 3) {
      throw new IllegalArgumentException("lease must be at least 3 ms: " + duration);
    }
  }

  private static String checkOwner(String owner) {
    Objects.requireNonNull(owner, "owner");
    if (owner.isBlank()
        || owner.length() > 200
        || owner.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException(
          "an owner id is 1 to 200 printable characters, not blank: '" + owner + "'");
    }
    return owner;
  }

  /**
   * Leases held by {@code owner} for {@code duration} past each heartbeat, on {@code clock}.
   *
   * @param owner this process's node id: two processes must never share one while both live. Pin it
   *     only to a name nothing else uses at the same time (a StatefulSet pod's name); a restarted
   *     process with the same id takes its own runs back at once.
   */
  public static Leases of(String owner, Duration duration, Clock clock) {
    return new Leases(owner, duration, clock);
  }

  /** Leases of a fresh {@link #uniqueOwner()} for {@link #DEFAULT_DURATION} on the system clock. */
  public static Leases defaults() {
    return of(uniqueOwner(), DEFAULT_DURATION, Clock.systemUTC());
  }

  /**
   * A node id no other process has: {@code host/pid/random}, e.g. {@code
   * worker-3/41234/9f2c61a0d4e7}. The host and process id say where it runs; the random part keeps
   * two processes apart even when a container reuses a process id.
   */
  public static String uniqueOwner() {
    byte[] random = new byte[6];
    new SecureRandom().nextBytes(random);
    return hostName()
        + "/"
        + ProcessHandle.current().pid()
        + "/"
        + HexFormat.of().formatHex(random);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  public String owner() {
    return owner;
  }

  public Duration duration() {
    return Duration.ofMillis(millis);
  }

  /** How often the node renews its lease: a third of {@link #duration()}. */
  public Duration heartbeatInterval() {
    return Duration.ofMillis(millis / 3);
  }

  /**
   * How long after a heartbeat began the node may rely on it: the lease less one heartbeat
   * interval, the margin for clocks that disagree.
   */
  public Duration trustedFor() {
    return Duration.ofMillis(millis - millis / 3);
  }

  /** The time on the leases' clock, in epoch milliseconds. */
  public long now() {
    return clock.millis();
  }

  /** When a lease renewed at {@code now} expires. */
  public long until(long now) {
    return now + millis;
  }

  /** The lease duration in milliseconds, as scripts take it. */
  public long millis() {
    return millis;
  }
}
