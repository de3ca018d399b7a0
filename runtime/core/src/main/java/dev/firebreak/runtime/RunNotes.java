package dev.firebreak.runtime;

import dev.firebreak.runtime.internal.TimelineJson;
import java.util.List;

/**
 * What the runtime notes about a run beside a write it makes anyway, for {@link Runs} to show: a
 * store appends {@code timeline} to the run's timeline and replaces the other two, in the same
 * write. Each write carries the values as they are now, so a write applied twice changes nothing
 * but a repeated timeline entry, which {@link Runs} shows once.
 *
 * @param timeline entries to append, oldest first; a store that keeps text keeps {@link
 *     #timelineJson()}
 * @param retrying how many of the run's steps are being retried now: attempted more than once and
 *     not yet succeeded or failed for good
 * @param parkedOn the circuit breaker the run is parked on; null if it is not parked
 */
public record RunNotes(List<TimelineEntry> timeline, int retrying, String parkedOn) {
  /** Nothing to append, nothing retrying, not parked: what a run's end leaves. */
  public static final RunNotes NONE = new RunNotes(List.of(), 0, null);

  public RunNotes {
    timeline = List.copyOf(timeline);
    if (retrying < 0) {
      throw new IllegalArgumentException("retrying must not be negative: " + retrying);
    }
  }

  /**
   * The timeline's entries as text, one JSON object per line, each line ending in a newline (empty
   * for none): appended to what a store holds, and returned by {@link
   * CheckpointStore#timeline(String)}, it reads back with the entries of every write.
   */
  public String timelineJson() {
    return TimelineJson.encode(timeline);
  }
}
