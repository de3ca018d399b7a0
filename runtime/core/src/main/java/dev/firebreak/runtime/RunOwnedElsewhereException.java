package dev.firebreak.runtime;

import java.time.Instant;

/**
 * A store refused to let this process run (or write to) a run another process owns: its lease is
 * held until {@link #leaseUntil()}. Nothing was written. A run whose owner is gone is taken over
 * once the lease expires; a process restarted with the same owner id takes its runs back at once.
 */
public class RunOwnedElsewhereException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String runId;
  private final String owner;
  private final transient Instant leaseUntil;

  public RunOwnedElsewhereException(String runId, String owner, Instant leaseUntil) {
    super(
        "run "
            + runId
            + " is owned by "
            + owner
            + " until "
            + leaseUntil
            + "; nothing was written");
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
