package dev.firebreak.runtime;

import java.util.Objects;

/**
 * How a run ended, as {@link CheckpointStore#end} records it in one write: a success with its
 * encoded output (and, for a run whose last step is checkpointed, that checkpoint), or a failure
 * with its dead letter; with the last of the run's {@link RunNotes}.
 *
 * @param status the end's status
 * @param output the encoded output of a success; null if its type has no codec, or for a failure
 * @param letter the dead letter of a failure for the store's own queue; null if none
 * @param lastStep the step whose checkpoint completes a successful run; null if none
 * @param lastStepOutput that step's encoded output
 * @param lastStepAttempts that step's attempts
 * @param notes the rest of the run's timeline; an ended run retries nothing and is parked on
 *     nothing, whatever the notes say
 */
public record RunEnd(
    WorkflowStatus status,
    byte[] output,
    DeadLetter letter,
    String lastStep,
    byte[] lastStepOutput,
    int lastStepAttempts,
    RunNotes notes) {
  public RunEnd {
    Objects.requireNonNull(status, "status");
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("a run ends with a terminal status, not " + status);
    }
    notes = notes == null ? RunNotes.NONE : notes;
  }

  /** A success ({@code COMPLETED} or {@code COMPLETED_DEGRADED}) with its encoded output. */
  public static RunEnd success(WorkflowStatus status, byte[] output, RunNotes notes) {
    if (!status.isSuccess()) {
      throw new IllegalArgumentException(status + " is not a success");
    }
    return new RunEnd(status, output, null, null, null, 0, notes);
  }

  /** A failure with its dead letter (null if it has none, or the queue is not the store's). */
  public static RunEnd failure(WorkflowStatus status, DeadLetter letter, RunNotes notes) {
    if (!status.isFailure()) {
      throw new IllegalArgumentException(status + " is not a failure");
    }
    return new RunEnd(status, null, letter, null, null, 0, notes);
  }

  /** This success, with the checkpoint of the step that completed the run written with it. */
  public RunEnd withLastStep(String step, byte[] stepOutput, int attempts) {
    return new RunEnd(status, output, letter, step, stepOutput, attempts, notes);
  }

  /** This end without its last step's checkpoint (a store that wrote that apart). */
  public RunEnd withoutLastStep() {
    return new RunEnd(status, output, letter, null, null, 0, notes);
  }

  /** What a person reads: the status, the step and reason of a failure; never bytes. */
  @Override
  public String toString() {
    return "RunEnd["
        + status
        + (lastStep != null ? ", lastStep=" + lastStep : "")
        + (letter != null ? ", " + letter.reason() + " at step " + letter.step() : "")
        + ", notes="
        + notes.timeline().size()
        + " entries]";
  }
}
