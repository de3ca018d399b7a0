package dev.firebreak.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One thing that happened to a step of a run, as {@link RunDetails#timeline()} shows it: an attempt
 * and how it ended, the step degrading, the run parking on the step's breaker, or the step's undo.
 *
 * @param at when it began (an attempt) or happened, by the runtime's clock
 * @param step the step's name
 * @param kind what happened
 * @param attempt the attempt's number; for a compensation, the undo's attempts; else 0
 * @param took how long the attempt (or the undo) took; zero for the others
 * @param detail {@code fallback} or {@code default} for {@link Kind#DEGRADED}, the breaker's name
 *     for {@link Kind#PARKED}; else empty
 * @param errorChain the failure and its causes, outermost first, as {@code Type: message}; empty
 *     for a success
 */
public record TimelineEntry(
    Instant at,
    String step,
    Kind kind,
    int attempt,
    Duration took,
    String detail,
    List<String> errorChain) {

  /** What happened. */
  public enum Kind {
    /** An attempt returned the step's output. */
    SUCCEEDED,
    /** An attempt threw (or its stage failed). */
    FAILED,
    /** An attempt overran the step's timeout or the run's deadline, and was interrupted. */
    TIMED_OUT,
    /** The step's circuit breaker was open: the agent was not called. */
    CIRCUIT_OPEN,
    /** The step failed for good and yielded its fallback's output or its default. */
    DEGRADED,
    /** The run parked, waiting for the step's open breaker. */
    PARKED,
    /** The step's compensation undid it. */
    COMPENSATED,
    /** The step's compensation failed. */
    COMPENSATION_FAILED,
    /**
     * Entries left out: a run keeps at most 1,000 per process. {@code attempt} says how many; the
     * step is {@code *}.
     */
    OMITTED
  }

  public TimelineEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(took, "took");
    detail = detail == null ? "" : detail;
    errorChain = List.copyOf(errorChain);
  }

  /** One line a person reads: when, the step, what, and the first line of the error. */
  @Override
  public String toString() {
    StringBuilder line = new StringBuilder().append(at).append(' ').append(step).append(' ');
    line.append(kind);
    if (kind == Kind.OMITTED) {
      return line.append(' ').append(attempt).append(" entries left out").toString();
    }
    if (attempt > 0) {
      line.append(kind == Kind.COMPENSATED || kind == Kind.COMPENSATION_FAILED ? " after " : " #");
      line.append(attempt);
      if (kind == Kind.COMPENSATED || kind == Kind.COMPENSATION_FAILED) {
        line.append(attempt == 1 ? " attempt" : " attempts");
      }
    }
    if (!took.isZero()) {
      line.append(" in ").append(took.toNanos() / 1_000 / 1_000.0).append(" ms");
    }
    if (!detail.isEmpty()) {
      line.append(" (").append(detail).append(')');
    }
    if (!errorChain.isEmpty()) {
      line.append(": ").append(errorChain.get(0));
    }
    return line.toString();
  }
}
