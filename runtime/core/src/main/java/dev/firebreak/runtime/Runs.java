package dev.firebreak.runtime;

import dev.firebreak.runtime.internal.TimelineJson;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The runs of a runtime's store, for operators and tools: pages of runs by status, workflow, entry
 * point and creation time, retrying now or parked on a breaker, newest first; one run with its
 * checkpoints, timeline (attempts, degradations, parking, compensations) and dead letter; counts by
 * status. It reads the store, not this process's memory: every node of a shared store sees the same
 * runs. From {@link FirebreakRuntime#runs()}.
 */
public final class Runs {
  private final CheckpointStore store;
  private final DeadLetterQueue deadLetters;

  Runs(CheckpointStore store, DeadLetterQueue deadLetters) {
    this.store = store;
    this.deadLetters = deadLetters;
  }

  /** Run {@code runId} with its checkpoints, timeline and dead letter, without its data. */
  public Optional<RunDetails> find(String runId) {
    return find(runId, false);
  }

  /**
   * Run {@code runId} with its checkpoints, timeline and dead letter; with its stored inputs,
   * output and checkpoint outputs if {@code data}.
   */
  public Optional<RunDetails> find(String runId, boolean data) {
    RunIds.check(runId);
    Optional<RunSummary> summary = store.summary(runId, data);
    Optional<RunRecord> record = summary.isPresent() ? store.find(runId) : Optional.empty();
    if (summary.isEmpty() || record.isEmpty()) {
      return Optional.empty(); // not there, or purged between the two reads
    }
    List<TimelineEntry> timeline = TimelineJson.decode(store.timeline(runId));
    DeadLetter letter =
        summary.get().status().isFailure() ? deadLetters.find(runId).orElse(null) : null;
    return Optional.of(RunDetails.of(summary.get(), record.get(), timeline, letter, data));
  }

  /**
   * The page of runs {@code query} selects.
   *
   * @throws UnsupportedOperationException if the store does not list runs (a custom store)
   */
  public RunPage list(RunQuery query) {
    return store.listRuns(query);
  }

  /** How many runs the store holds in each status, every status present (0 if none). */
  public Map<WorkflowStatus, Long> countByStatus() {
    Map<WorkflowStatus, Long> counts = new EnumMap<>(WorkflowStatus.class);
    for (WorkflowStatus s : WorkflowStatus.values()) {
      counts.put(s, 0L);
    }
    counts.putAll(store.countRuns());
    return Collections.unmodifiableMap(counts);
  }
}
