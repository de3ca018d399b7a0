package dev.firebreak.runtime;

import java.time.Instant;

/**
 * The runtime shut down before this run ended: it stopped the run within its grace period and
 * handed it back to the store, where another node (or the next start) takes it over at once and
 * carries it on from its checkpoints. Nothing was compensated or dead-lettered here: submit the run
 * id again to wait for its result.
 */
public class RunHandedBackException extends RunOwnedElsewhereException {
  private static final long serialVersionUID = 1L;

  public RunHandedBackException(String runId, String node) {
    super(
        runId,
        "nobody",
        Instant.EPOCH,
        "run "
            + runId
            + " was handed back by node "
            + node
            + ", which shut down before it ended; another node takes it over from its"
            + " checkpoints: submit the run id again to wait for its result");
  }
}
