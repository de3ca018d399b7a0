package dev.firebreak.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Where runs and the outputs of their checkpointed steps are kept, so that a run interrupted by
 * a failure or a crash resumes from its last checkpoint instead of starting over.
 *
 * <p>Outputs arrive already encoded by the step's {@link CheckpointCodec}: a store keeps bytes
 * and never sees user types. Every method may be called concurrently for different runs; the
 * runtime never writes one run from two threads at once.
 */
public interface CheckpointStore extends AutoCloseable {
  /**
   * Returns the run named {@code runId} if it exists (taking it over if it is unfinished and its
   * owner's lease has expired, or throwing {@link RunOwnedElsewhereException} if not); otherwise records it as {@link
   * WorkflowStatus#RUNNING}, with its encoded {@code inputs} (null if they cannot be stored), and
   * returns the fresh record. This is what makes a start idempotent: the second caller with the
   * same id sees the first caller's run.
   */
  RunRecord open(String runId, String workflow, String entryPoint, String graphHash, byte[] inputs);

  /**
   * Records that {@code step} succeeded after {@code attempts} attempts with the encoded {@code
   * output}, atomically: afterwards the run either has both or (on failure) neither.
   */
  void saveStep(String runId, String step, byte[] output, int attempts);

  /**
   * Records that attempt {@code attempts} of {@code step} is about to start, so that a run resumed
   * after a crash counts the attempts already made ({@code maxAttempts 5}, crash after attempt 3:
   * at most 2 more). Shows in {@link RunRecord#attempts()} until the step's output is saved.
   */
  void saveAttempt(String runId, String step, int attempts);

  /**
   * Forgets the outputs and attempt counts of {@code steps}: they were compensated (undone), or a
   * replay gives them fresh attempts. A resume then runs them again.
   */
  void resetSteps(String runId, java.util.Collection<String> steps);

  /**
   * Deletes runs that ended before {@code before} with their checkpoints; never a run still
   * RUNNING or PARKED. Returns how many runs were deleted.
   */
  int purgeFinished(java.time.Instant before);

  /** Records the run's status: {@link WorkflowStatus#PARKED}, back to RUNNING, or a failure. */
  void saveStatus(String runId, WorkflowStatus status);

  /**
   * Records that the run ended with the success {@code status} and its encoded {@code output}
   * (null if the output type has no codec), in one write: a later call with the run's id returns
   * this output instead of running it again.
   */
  void finish(String runId, WorkflowStatus status, byte[] output);

  /**
   * {@link #saveStep} for the run's last step, then {@link #finish}: the runtime calls this when
   * the step that completes a run is checkpointed, so that the two can be one write. A store that
   * can should make them one atomic write; this default makes two, the step first (after a crash
   * between them the run has its step and is resumed to its end without running it again).
   */
  default void finish(
      String runId, WorkflowStatus status, byte[] output, String lastStep, byte[] lastStepOutput, int lastStepAttempts) {
    saveStep(runId, lastStep, lastStepOutput, lastStepAttempts);
    finish(runId, status, output);
  }

  /** The run named {@code runId}, if this store has it. */
  Optional<RunRecord> find(String runId);

  /** Runs left {@link WorkflowStatus#RUNNING} or {@link WorkflowStatus#PARKED}, oldest first. */
  List<RunRecord> unfinished();

  /**
   * Takes over the unfinished {@code runs} (from {@link #unfinished}) for this process, as {@link
   * #open} would each, and returns them as stored once taken: a run another owner holds a live
   * lease on, or that ended meanwhile, is left out. A store that can should claim many runs in
   * one write; this default opens them one by one.
   */
  default List<RunRecord> claim(List<RunRecord> runs) {
    List<RunRecord> claimed = new java.util.ArrayList<>();
    for (RunRecord run : runs) {
      try {
        RunRecord now = open(run.runId(), run.workflow(), run.entryPoint(), run.graphHash(), run.inputs());
        if (!now.status().isTerminal()) {
          claimed.add(now);
        }
      } catch (RunOwnedElsewhereException e) {
        // Left to its owner.
      }
    }
    return claimed;
  }

  /**
   * Whether what this store keeps outlives the process. The runtime stores a run's inputs (for
   * {@code resume}) only in durable stores. Default true.
   */
  default boolean isDurable() {
    return true;
  }

  /**
   * Extends this process's leases on {@code runIds} (runs in flight here). Stores with leases
   * return a duration from {@link #leaseDuration()}; the runtime then renews every third of it.
   */
  default void renewLeases(java.util.Collection<String> runIds) {}

  /** How long a run stays owned by this process without a claim or renewal; null: no leases. */
  default java.time.Duration leaseDuration() {
    return null;
  }

  /**
   * The dead-letter queue this store keeps beside the runs (same database), if any: the runtime
   * uses it when none is configured. Default none.
   */
  default java.util.Optional<DeadLetterQueue> deadLetterQueue() {
    return java.util.Optional.empty();
  }

  /** Releases the store's resources; the default does nothing. */
  @Override
  default void close() {}
}
