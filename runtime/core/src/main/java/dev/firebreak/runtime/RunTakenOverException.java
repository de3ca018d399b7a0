package dev.firebreak.runtime;

import java.time.Instant;

/**
 * This node lost the run while its heartbeat lease had lapsed (a long pause: a GC, a stopped
 * process, a store out of reach), and another node took it over and carries it on. This node
 * started no further step of it and wrote nothing more for it; the run's result is the other
 * node's: submit the run id again to wait for it.
 */
public class RunTakenOverException extends RunOwnedElsewhereException {
  private static final long serialVersionUID = 1L;

  public RunTakenOverException(String runId, String lostBy) {
    super(
        runId,
        "another node",
        Instant.EPOCH,
        "run "
            + runId
            + " was taken over by another node while the lease of node "
            + lostBy
            + " had lapsed; this node stopped it and wrote nothing more: submit the run id again"
            + " to wait for its result");
  }
}
