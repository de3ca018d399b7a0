package dev.firebreak.runtime;

import java.time.Instant;

/**
 * A store refused to let this node run (or write to) a run another node owns: that node is alive,
 * its heartbeat lease held until {@link #leaseUntil()}. Nothing was written. A run whose owner is
 * gone is taken over once the owner's lease ends (or at once, where the store sees its process
 * end); a process restarted with the same pinned node id takes its runs back at once.
 */
public class RunOwnedElsewhereException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String runId;
  private final String owner;
  private final transient Instant leaseUntil;

  public RunOwnedElsewhereException(String runId, String owner, Instant leaseUntil) {
    this(
        runId,
        owner,
        leaseUntil,
        "run "
            + runId
            + " is owned by node "
            + owner
            + ", alive until at least "
            + leaseUntil
            + "; nothing was written");
  }

  protected RunOwnedElsewhereException(
      String runId, String owner, Instant leaseUntil, String message) {
    super(message);
    this.runId = runId;
    this.owner = owner;
    this.leaseUntil = leaseUntil;
  }

  public String runId() {
    return runId;
  }

  public String owner() {
    return owner;
  }

  public Instant leaseUntil() {
    return leaseUntil;
  }
}
