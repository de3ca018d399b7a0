package dev.firebreak.runtime;

/** The state a run is in. Every run ends in exactly one visible state; no failure is silent. */
public enum WorkflowStatus {
  /** Steps are being executed (or the process died while they were: resumable). */
  RUNNING,
  /** Waiting for an open circuit to half-open; resumed automatically (resumable). */
  PARKED,
  /** Every needed step produced its output. */
  COMPLETED,
  /** Completed, but some steps' outputs came from a fallback or a neutral default. */
  COMPLETED_DEGRADED,
  /** A critical step failed for good; compensations (if any) ran; a dead letter was written. */
  FAILED,
  /** The run failed and at least one compensation failed too: a human must look at it. */
  COMPENSATION_FAILED;

  /** Whether the run has ended (it will not make progress by itself). */
  public boolean isTerminal() {
    return this != RUNNING && this != PARKED;
  }

  /** Whether the run ended without its output: the statuses a replay takes a run back from. */
  public boolean isFailure() {
    return this == FAILED || this == COMPENSATION_FAILED;
  }

  /** Whether the run produced its output. */
  public boolean isSuccess() {
    return this == COMPLETED || this == COMPLETED_DEGRADED;
  }
}
