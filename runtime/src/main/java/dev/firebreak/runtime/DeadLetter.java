package dev.firebreak.runtime;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run that failed for good, kept for a human or a replay.
 *
 * @param step the step that failed the run
 * @param attempts attempts made on that step
 * @param errorChain the failure and its causes, outermost first, as {@code Type: message}
 */
public record DeadLetter(
    String runId,
    String workflow,
    String entryPoint,
    DeadLetterReason reason,
    String step,
    int attempts,
    List<String> errorChain,
    Instant time) {
  public DeadLetter {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(reason, "reason");
    errorChain = List.copyOf(errorChain);
    Objects.requireNonNull(time, "time");
  }

  /** {@code failure} and its causes, outermost first, without repeating a cause twice. */
  public static List<String> chainOf(Throwable failure) {
    List<String> chain = new ArrayList<>();
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = failure; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      chain.add(t.getMessage() == null ? t.getClass().getName() : t.getClass().getName() + ": " + t.getMessage());
    }
    return chain;
  }
}
