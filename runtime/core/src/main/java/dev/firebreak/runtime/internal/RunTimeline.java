package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What happened to a run's steps, noted as it happens and handed to the store with the writes the
 * run makes anyway: an attempt after the first (the failures before it), parking, a retried step's
 * end, and the run's end (the rest). A run that never retries nor parks writes its timeline once,
 * with its end. Entries of steps run by several threads at once may be noted concurrently; a reader
 * orders them by time.
 */
final class RunTimeline {
  private final ConcurrentLinkedQueue<TimelineEntry> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger retrying = new AtomicInteger();
  private volatile String parkedOn;

  /** Whether anything changed since the last {@link #drain}: only then is a write worth making. */
  private volatile boolean changed;

  private final Instant wallAtStart;
  private final long nanoAtStart;

  RunTimeline(Instant wallAtStart, long nanoAtStart) {
    this.wallAtStart = wallAtStart;
    this.nanoAtStart = nanoAtStart;
  }

  /** Attempt {@code attempt} of {@code step}, from {@code started} to {@code ended} (nanos). */
  void attempt(String step, int attempt, long started, long ended, Throwable error) {
    Kind kind =
        error == null
            ? Kind.SUCCEEDED
            : error instanceof TimeoutException ? Kind.TIMED_OUT : Kind.FAILED;
    changed = true;
    pending.add(
        new TimelineEntry(
            wallAt(started),
            step,
            kind,
            attempt,
            Duration.ofNanos(ended - started),
            "",
            error == null ? List.of() : DeadLetter.chainOf(error)));
  }

  /** Attempt {@code attempt} of {@code step} met its open breaker: the agent was not called. */
  void circuitOpen(String step, int attempt, long at, Throwable error) {
    changed = true;
    pending.add(
        new TimelineEntry(
            wallAt(at),
            step,
            Kind.CIRCUIT_OPEN,
            attempt,
            Duration.ZERO,
            "",
            DeadLetter.chainOf(error)));
  }

  /** {@code step} yielded its fallback's output or its default after {@code cause}. */
  void degraded(String step, long at, Throwable cause, boolean fallbackUsed) {
    changed = true;
    pending.add(
        new TimelineEntry(
            wallAt(at),
            step,
            Kind.DEGRADED,
            0,
            Duration.ZERO,
            fallbackUsed ? "fallback" : "default",
            DeadLetter.chainOf(cause)));
  }

  /** The run parked at {@code step}, waiting for {@code breaker}. */
  void parked(String step, long at, String breaker) {
    changed = true;
    pending.add(
        new TimelineEntry(wallAt(at), step, Kind.PARKED, 0, Duration.ZERO, breaker, List.of()));
  }

  /** {@code step}'s compensation ended after {@code attempts} attempts, failed if {@code error}. */
  void compensation(String step, int attempts, long started, long ended, Throwable error) {
    changed = true;
    pending.add(
        new TimelineEntry(
            wallAt(started),
            step,
            error == null ? Kind.COMPENSATED : Kind.COMPENSATION_FAILED,
            attempts,
            Duration.ofNanos(ended - started),
            "",
            error == null ? List.of() : DeadLetter.chainOf(error)));
  }

  /**
   * The entries noted since the last call, for the caller to write; {@link #giveBack} them if the
   * write fails.
   */
  List<TimelineEntry> drain() {
    changed = false;
    if (pending.isEmpty()) {
      return List.of();
    }
    List<TimelineEntry> out = new ArrayList<>();
    for (TimelineEntry e; (e = pending.poll()) != null; ) {
      out.add(e);
    }
    return out;
  }

  /** Entries from {@link #drain} whose write failed: the next write carries them. */
  void giveBack(List<TimelineEntry> entries) {
    pending.addAll(entries);
    changed = true;
  }

  /** Whether there is anything new to write. */
  boolean changed() {
    return changed;
  }

  /** A step began its first retry. */
  void retryStarted() {
    changed = true;
    retrying.incrementAndGet();
  }

  /** A step that {@link #retryStarted} ended: succeeded, degraded or failed for good. */
  void retryEnded() {
    changed = true;
    retrying.decrementAndGet();
  }

  /** How many steps are retrying now. */
  int retrying() {
    return Math.max(0, retrying.get());
  }

  /** The breaker the run is parked on, or null. */
  String parkedOn() {
    return parkedOn;
  }

  void parkedOn(String breaker) {
    changed = true;
    parkedOn = breaker;
  }

  private Instant wallAt(long nanos) {
    return wallAtStart.plusNanos(nanos - nanoAtStart);
  }
}
