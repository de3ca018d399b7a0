package dev.firebreak.runtime;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The runs of a runtime's store, for operators and tools: pages of runs by status, workflow, entry
 * point and creation time, newest first; counts by status. It reads the store, not this process's
 * memory: every node of a shared store sees the same runs. From {@link FirebreakRuntime#runs()}.
 */
public final class Runs {
  private final CheckpointStore store;

  Runs(CheckpointStore store) {
    this.store = store;
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
