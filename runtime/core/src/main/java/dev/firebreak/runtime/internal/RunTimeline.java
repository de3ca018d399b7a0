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
import java.util.concurrent.locks.ReentrantLock;

/**
 * What happened to a run's steps, noted as it happens and handed to the store with the writes the
 * run makes anyway: an attempt after the first (the failures before it), parking, a retried step's
 * end, and the run's end (the rest). A run that never retries nor parks writes its timeline once,
 * with its end. Entries of steps run by several threads at once may be noted concurrently; a reader
 * orders them by time. A run keeps at most {@value #MAX_ENTRIES} entries per process; past that it
 * counts what it leaves out ({@link Kind#OMITTED}).
 */
final class RunTimeline {
  static final int MAX_ENTRIES = 1_000;

  private final ConcurrentLinkedQueue<TimelineEntry> pending = new ConcurrentLinkedQueue<>();
  private final AtomicInteger noted = new AtomicInteger();
  private final AtomicInteger omitted = new AtomicInteger();
  private volatile long lastOmittedAt;
  private final AtomicInteger retrying = new AtomicInteger();

  /** The breakers the run's parked steps wait for, once per step. */
  private final ConcurrentLinkedQueue<String> parkedOn = new ConcurrentLinkedQueue<>();

  /** Whether anything changed since the last {@link #drain}: only then is a write worth making. */
  private volatile boolean changed;

  /**
   * Held while the notes are taken and written, so that two threads of the run never write them at
   * once: a write made later never holds older counts than one that lands after it.
   */
  final ReentrantLock writing = new ReentrantLock();

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
    note(step, kind, attempt, started, ended - started, "", error);
  }

  /** Attempt {@code attempt} of {@code step} met its open breaker: the agent was not called. */
  void circuitOpen(String step, int attempt, long at, Throwable error) {
    note(step, Kind.CIRCUIT_OPEN, attempt, at, 0, "", error);
  }

  /**
   * {@code step} yielded its fallback's output or its default after {@code cause}; {@code how} says
   * which: "fallback", "default", or "default" and the constant the step states.
   */
  void degraded(String step, long at, Throwable cause, String how) {
    note(step, Kind.DEGRADED, 0, at, 0, how, cause);
  }

  /** {@code step} parked at {@code at}, waiting for {@code breaker}. */
  void parked(String step, long at, String breaker) {
    note(step, Kind.PARKED, 0, at, 0, breaker, null);
    parkedOn.add(breaker);
  }

  /** A step that waited for {@code breaker} left it. */
  void unparked(String breaker) {
    changed = true;
    parkedOn.remove(breaker);
  }

  /** {@code step}'s compensation ended after {@code attempts} attempts, failed if {@code error}. */
  void compensation(String step, int attempts, long started, long ended, Throwable error) {
    note(
        step,
        error == null ? Kind.COMPENSATED : Kind.COMPENSATION_FAILED,
        attempts,
        started,
        ended - started,
        "",
        error);
  }

  private void note(
      String step, Kind kind, int attempt, long at, long took, String detail, Throwable error) {
    changed = true;
    if (noted.incrementAndGet() > MAX_ENTRIES) {
      lastOmittedAt = at;
      omitted.incrementAndGet();
      return;
    }
    pending.add(
        new TimelineEntry(
            wallAt(at),
            step,
            kind,
            attempt,
            Duration.ofNanos(took),
            detail,
            error == null ? List.of() : DeadLetter.chainOf(error)));
  }

  /**
   * The entries noted since the last call, for the caller to write; {@link #giveBack} them if the
   * write fails.
   */
  List<TimelineEntry> drain() {
    changed = false;
    int left = omitted.getAndSet(0);
    if (pending.isEmpty() && left == 0) {
      return List.of();
    }
    List<TimelineEntry> out = new ArrayList<>();
    for (TimelineEntry e; (e = pending.poll()) != null; ) {
      out.add(e);
    }
    if (left > 0) {
      out.add(
          new TimelineEntry(
              wallAt(lastOmittedAt), "*", Kind.OMITTED, left, Duration.ZERO, "", List.of()));
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

  /** The stored notes may not be this process's (a resumed run): the next write replaces them. */
  void touch() {
    changed = true;
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

  /** A breaker the run is parked on, or null. */
  String parkedOn() {
    return parkedOn.peek();
  }

  private Instant wallAt(long nanos) {
    return wallAtStart.plusNanos(nanos - nanoAtStart);
  }
}
