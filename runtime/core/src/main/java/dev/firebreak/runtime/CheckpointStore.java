package dev.firebreak.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Where runs and the outputs of their checkpointed steps are kept, so that a run interrupted by a
 * failure or a crash resumes from its last checkpoint instead of starting over.
 *
 * <p>Outputs arrive already encoded by the step's {@link CheckpointCodec}: a store keeps bytes and
 * never sees user types. Every method may be called concurrently for different runs; the runtime
 * never writes one run from two threads at once.
 *
 * <p>Run ids follow the {@link RunIds} rules: a store refuses any other id with an {@code
 * IllegalArgumentException} before it reads or writes anything, so that two distinct ids never name
 * one stored run.
 *
 * <p>An ended run's record is final, and the store enforces it: a COMPLETED or COMPLETED_DEGRADED
 * run changes only by {@link #purgeFinished}; a FAILED or COMPENSATION_FAILED run only by {@link
 * #reopen} (a replay) or {@link #purgeFinished}. Every other write to an ended run ({@link
 * #saveStep}, {@link #saveAttempt}, {@link #resetSteps}, {@link #saveStatus}, {@link #finish},
 * {@link #fail}) is refused with an {@link IllegalStateException} and writes nothing.
 */
public interface CheckpointStore extends AutoCloseable {
  /**
   * Returns the run named {@code runId} if it exists (taking it over if it is unfinished and its
   * owner is gone, or throwing {@link RunOwnedElsewhereException} if its owner lives); otherwise
   * records it as {@link WorkflowStatus#RUNNING}, owned by this node, with its encoded {@code
   * inputs} (null if they cannot be stored), and returns the fresh record. This is what makes a
   * start idempotent: the second caller with the same id sees the first caller's run.
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
   * {@link #saveAttempt(String, String, int)} and, in the same write, the run's {@code notes}: the
   * runtime calls this for an attempt after the first, carrying the failures before it. A store
   * that shows runs ({@link #listRuns}) keeps the notes; this default drops them.
   */
  default void saveAttempt(String runId, String step, int attempts, RunNotes notes) {
    saveAttempt(runId, step, attempts);
  }

  /**
   * Records the unfinished run's {@code notes} alone: the runtime calls this when a retried step
   * ends, so that the run no longer lists as retrying. This default drops them.
   *
   * @throws IllegalStateException if the run has ended (nothing is written)
   */
  default void saveNotes(String runId, RunNotes notes) {}

  /**
   * The run's timeline as appended by the writes' {@link RunNotes} ({@link
   * RunNotes#timelineJson()}), oldest write first; empty if none. A run that ended has all of it; a
   * run in flight, what its retries and parking wrote. The default keeps none: empty.
   */
  default String timeline(String runId) {
    return "";
  }

  /**
   * Forgets the outputs and attempt counts of {@code steps} of the unfinished run {@code runId}:
   * they were compensated (undone). A resume then runs them again.
   *
   * @throws IllegalStateException if the run has ended (nothing is written)
   */
  void resetSteps(String runId, Collection<String> steps);

  /**
   * Deletes runs that ended before {@code before} with their checkpoints; never a run still RUNNING
   * or PARKED. Returns how many runs were deleted.
   */
  int purgeFinished(Instant before);

  /**
   * Records the status of the unfinished run {@code runId}: {@link WorkflowStatus#PARKED}, back to
   * RUNNING, or a failure.
   *
   * @throws IllegalStateException if the run has ended (nothing is written)
   */
  void saveStatus(String runId, WorkflowStatus status);

  /**
   * {@link #saveStatus(String, WorkflowStatus)} and, in the same write, the run's {@code notes}
   * (parking names its breaker there). This default drops them.
   *
   * @throws IllegalStateException if the run has ended (nothing is written)
   */
  default void saveStatus(String runId, WorkflowStatus status, RunNotes notes) {
    saveStatus(runId, status);
  }

  /**
   * Records that the unfinished run {@code runId} ended with the failure {@code status} and, unless
   * {@code letter} is null, puts {@code letter} in this store's own {@link #deadLetterQueue()}. A
   * store that keeps dead letters should make the two one write, so that a refused end writes no
   * dead letter; this default writes the letter first, then the status (after a crash between them
   * the run is unfinished, resumed, and fails again).
   *
   * @throws IllegalStateException if the run has ended (then no status is written)
   */
  default void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    if (letter != null) {
      deadLetterQueue()
          .orElseThrow(
              () ->
                  new IllegalStateException(
                      "this store keeps no dead letters: add them to your queue"))
          .add(letter);
    }
    saveStatus(runId, status);
  }

  /**
   * Takes the ended, failed run {@code runId} back for a replay, only if it is still {@code
   * expected} (the status the caller read): in one write its status becomes RUNNING, owned by this
   * process, and the outputs and attempt counts of {@code resetSteps} are forgotten. Returns the
   * run as stored afterwards.
   *
   * @throws IllegalArgumentException if {@code expected} is not a {@linkplain
   *     WorkflowStatus#isFailure failure}
   * @throws IllegalStateException if the run is no longer {@code expected} (nothing is written)
   * @throws NoSuchElementException if there is no such run
   */
  RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps);

  /**
   * Records that the run ended with the success {@code status} and its encoded {@code output} (null
   * if the output type has no codec), in one write: a later call with the run's id returns this
   * output instead of running it again.
   */
  void finish(String runId, WorkflowStatus status, byte[] output);

  /**
   * {@link #saveStep} for the run's last step, then {@link #finish}: what {@link #end} does when
   * the step that completes a run is checkpointed, so that the two can be one write. A store that
   * can should make them one atomic write; this default makes two, the step first (after a crash
   * between them the run has its step and is resumed to its end without running it again).
   */
  default void finish(
      String runId,
      WorkflowStatus status,
      byte[] output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts) {
    saveStep(runId, lastStep, lastStepOutput, lastStepAttempts);
    finish(runId, status, output);
  }

  /**
   * Records the run's {@code end} in one write: {@link #fail(String, WorkflowStatus, DeadLetter)}
   * for a failure, else {@link #finish(String, WorkflowStatus, byte[], String, byte[], int)} (or,
   * with no last step, {@link #finish(String, WorkflowStatus, byte[])}), with the last of the run's
   * notes. The runtime ends every run through this method. This default drops the notes.
   *
   * @throws IllegalStateException if the run has ended (nothing is written)
   */
  default void end(String runId, RunEnd end) {
    if (end.status().isFailure()) {
      fail(runId, end.status(), end.letter());
    } else if (end.lastStep() != null) {
      finish(
          runId,
          end.status(),
          end.output(),
          end.lastStep(),
          end.lastStepOutput(),
          end.lastStepAttempts());
    } else {
      finish(runId, end.status(), end.output());
    }
  }

  /** The run named {@code runId}, if this store has it. */
  Optional<RunRecord> find(String runId);

  /** Runs left {@link WorkflowStatus#RUNNING} or {@link WorkflowStatus#PARKED}, oldest first. */
  List<RunRecord> unfinished();

  /**
   * Takes over the unfinished {@code runs} (from {@link #unfinished}) for this node, as {@link
   * #open} would each, and returns them as stored once taken: a run whose owner lives, or that
   * ended meanwhile, is left out. A store that can should claim many runs in one write; this
   * default opens them one by one.
   */
  default List<RunRecord> claim(List<RunRecord> runs) {
    List<RunRecord> claimed = new ArrayList<>();
    for (RunRecord run : runs) {
      try {
        RunRecord now =
            open(run.runId(), run.workflow(), run.entryPoint(), run.graphHash(), run.inputs());
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

  // -----------------------------------------------------------------------------------------------
  // Several nodes on one store. A store with leases tells which nodes live by one heartbeat lease
  // per node (see dev.firebreak.runtime.store.Leases); the runtime beats, sweeps and hands back.

  /**
   * How long a node stays alive after its last {@link #heartbeat}; null: this store has no leases,
   * and the methods below are never called by the runtime.
   */
  default Duration leaseDuration() {
    return null;
  }

  /** This node's id in the store: the owner of the runs it opens; null without leases. */
  default String nodeId() {
    return null;
  }

  /**
   * Renews this node's lease, registering the node on its first call. Returns true if the lease it
   * renews was still in force; false on the first beat, and after it lapsed or the store counted
   * the node gone: then runs this node holds may have been taken over, and it {@link #confirm}s
   * each before it starts another step of it.
   */
  default boolean heartbeat() {
    return true;
  }

  /**
   * Of {@code runIds}, the unfinished runs this node still owns, each moved to its next version in
   * the same write; the others were taken over (or ended) and are left alone.
   */
  default Set<String> confirm(Collection<String> runIds) {
    return Set.copyOf(runIds);
  }

  /**
   * Takes over for this node at most {@code max} unfinished runs of {@code entryPoints} (keys
   * {@code Workflow#entryPoint}) whose owner is gone — its lease lapsed, or the store knows its
   * process ended — or that were handed back, oldest first, and returns them as stored once taken.
   * Runs of live nodes are not read. This default claims from {@link #unfinished}.
   */
  default List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    List<RunRecord> candidates = new ArrayList<>();
    for (RunRecord run : unfinished()) {
      if (candidates.size() < max
          && entryPoints.contains(run.workflow() + "#" + run.entryPoint())) {
        candidates.add(run);
      }
    }
    return claim(candidates);
  }

  /**
   * Hands every unfinished run this node owns back to no owner, for another node to take over at
   * once, and ends this node's lease; writes for those runs are refused afterwards. The runtime
   * calls it on a graceful shutdown, and when it starts: a pinned node id then frees what an
   * earlier process with that id left, for the start-up sweep.
   */
  default void leave() {}

  /**
   * The dead-letter queue this store keeps beside the runs (same database), if any: the runtime
   * uses it when none is configured. Default none.
   */
  default Optional<DeadLetterQueue> deadLetterQueue() {
    return Optional.empty();
  }

  /**
   * A page of the runs {@code query} selects, newest first (creation time, then run id), read
   * through an index; see {@link RunQuery}.
   *
   * @throws UnsupportedOperationException if this store does not list runs (the default)
   */
  default RunPage listRuns(RunQuery query) {
    throw new UnsupportedOperationException(getClass().getName() + " does not list runs");
  }

  /**
   * Run {@code runId} as a list shows it (with its stored inputs and output if {@code data}), if it
   * exists.
   *
   * @throws UnsupportedOperationException if this store does not list runs (the default)
   */
  default Optional<RunSummary> summary(String runId, boolean data) {
    throw new UnsupportedOperationException(getClass().getName() + " does not list runs");
  }

  /**
   * How many runs this store holds in each status; a status without runs may be left out.
   *
   * @throws UnsupportedOperationException if this store does not count runs (the default)
   */
  default Map<WorkflowStatus, Long> countRuns() {
    throw new UnsupportedOperationException(getClass().getName() + " does not count runs");
  }

  /**
   * The circuit-breaker records the nodes on this store share, if it keeps them; used by a runtime
   * built with {@code sharedBreakers(true)}. The default keeps none.
   */
  default Optional<BreakerBoard> breakerBoard() {
    return Optional.empty();
  }

  /**
   * Values by key kept beside the runs, in the same database ({@link KeyValues}), if this store
   * keeps them: what integrations make durable on the store a runtime already has. Default none.
   */
  default Optional<KeyValues> keyValues() {
    return Optional.empty();
  }

  /** Releases the store's resources; the default does nothing. */
  @Override
  default void close() {}
}
