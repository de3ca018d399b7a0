package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * What is durable when: every write a run makes to its store and dead-letter queue, and every
 * encode and decode of its values, passes here, in the order of a run's life.
 *
 * <ol>
 *   <li><b>Open</b>: the run is recorded (RUNNING, owned here, with its inputs encoded when the
 *       store is durable) before its first step starts.
 *   <li><b>Attempts</b> of a retried step are recorded before each call, so that a restart does not
 *       grant new ones.
 *   <li><b>Checkpoints</b>: a checkpointed step's output is recorded before any successor starts.
 *   <li><b>Parking</b> is recorded as the run's status (PARKED, then RUNNING again).
 *   <li><b>Compensation</b> forgets a compensated step's checkpoint, so a replay runs it again.
 *   <li><b>The end</b>: success with its encoded output (and the last step's checkpoint, in one
 *       write), or failure with its dead letter (one write where the store keeps the letters),
 *       before the entry point returns.
 * </ol>
 *
 * A store that is not durable ({@link CheckpointStore#isDurable()}) keeps no inputs, attempts or
 * outputs: nothing of it outlives the process.
 */
final class RunJournal {
  private final CheckpointStore store;
  private final DeadLetterQueue deadLetters;

  /**
   * Whether the dead letters live in the store, so that a run's end and its letter are one write.
   */
  private final boolean deadLettersInStore;

  RunJournal(CheckpointStore store, DeadLetterQueue deadLetters) {
    this.store = store;
    this.deadLetters = deadLetters;
    this.deadLettersInStore = store.deadLetterQueue().filter(q -> q == deadLetters).isPresent();
  }

  /** Whether runs outlive the process: only then are inputs, attempts and outputs stored. */
  boolean isDurable() {
    return store.isDurable();
  }

  // -----------------------------------------------------------------------------------------------
  // Opening, finding, taking over

  /**
   * Records a new run of {@code plan}, or returns the stored run that has {@code runId}; {@code
   * inputCodec} encodes the inputs, or is null when they are not stored.
   */
  RunRecord open(
      EntryPointPlan plan, String runId, CheckpointCodec<Object[]> inputCodec, Object[] inputs) {
    byte[] stored = inputCodec == null ? null : Codecs.encode(inputCodec, inputs);
    return store.open(runId, plan.workflow(), plan.name(), plan.graphHash(), stored);
  }

  /** The stored run {@code runId}. */
  RunRecord find(String runId) {
    return store
        .find(runId)
        .orElseThrow(() -> new NoSuchElementException("no run '" + runId + "' in the store"));
  }

  /** The runs left RUNNING or PARKED, oldest first. */
  List<RunRecord> unfinished() {
    return store.unfinished();
  }

  /** Takes over {@code runs} for this process; returns those taken, as stored. */
  List<RunRecord> claim(List<RunRecord> runs) {
    return store.claim(runs);
  }

  /**
   * Takes the failed run {@code record} back for a replay, only if it is still as read: {@code
   * resetSteps} get fresh attempts, and its dead letter is removed.
   */
  RunRecord reopen(RunRecord record, Collection<String> resetSteps) {
    RunRecord reopened = store.reopen(record.runId(), record.status(), resetSteps);
    deadLetters.discard(record.runId());
    return reopened;
  }

  /** The inputs {@code record} was started with, decoded with {@code inputCodec}. */
  Object[] inputsOf(RunRecord record, CheckpointCodec<Object[]> inputCodec) {
    return Codecs.decode(inputCodec, record.inputs());
  }

  // -----------------------------------------------------------------------------------------------
  // While a run runs

  /** Attempt {@code attempt} of {@code step} is about to start. */
  void attemptStarting(String runId, String step, int attempt) {
    store.saveAttempt(runId, step, attempt);
  }

  /** The bytes {@code step}'s checkpoint holds for {@code value}. */
  @SuppressWarnings("unchecked")
  byte[] encode(StepDescriptor step, Object value) {
    return Codecs.encode((CheckpointCodec<Object>) step.checkpointCodec(), value);
  }

  /** Records {@code step}'s checkpoint: its encoded output after {@code attempts} attempts. */
  void checkpoint(String runId, String step, byte[] output, int attempts) {
    store.saveStep(runId, step, output, attempts);
  }

  /**
   * {@code step}'s output from its stored checkpoint.
   *
   * @throws CorruptCheckpointException if the bytes do not hold a value of the step's type
   */
  Object restore(StepDescriptor step, byte[] checkpoint) {
    return Codecs.decode(step.checkpointCodec(), checkpoint);
  }

  /** The run is parked on a breaker, or running again. */
  void statusChanged(String runId, WorkflowStatus status) {
    store.saveStatus(runId, status);
  }

  /** {@code step} was undone: its checkpoint is forgotten, so that a replay runs it again. */
  void compensated(String runId, String step) {
    store.resetSteps(runId, List.of(step));
  }

  // -----------------------------------------------------------------------------------------------
  // The end

  /**
   * The run succeeded with {@code status} and {@code output} (stored when {@code outputCodec} is
   * not null); {@code lastStep}, if not null, is the checkpoint of the step that completed it,
   * written in the same write.
   */
  void completed(
      String runId,
      WorkflowStatus status,
      CheckpointCodec<Object> outputCodec,
      Object output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts) {
    byte[] encoded = outputCodec == null ? null : Codecs.encode(outputCodec, output);
    if (lastStep != null) {
      store.finish(runId, status, encoded, lastStep, lastStepOutput, lastStepAttempts);
    } else {
      store.finish(runId, status, encoded);
    }
  }

  /**
   * The run failed with {@code status}; {@code letter}, if not null, goes to the dead-letter queue.
   * Where the store keeps the letters, the end and the letter are one write (a run that ended
   * meanwhile gets neither); elsewhere the letter is written first, then the end.
   */
  void failed(String runId, WorkflowStatus status, DeadLetter letter) {
    if (deadLettersInStore || letter == null) {
      store.fail(runId, status, letter);
    } else {
      deadLetters.add(letter);
      store.fail(runId, status, null);
    }
  }

  /**
   * The output of the run {@code record}, which ended, as {@code plan} returns it: its stored
   * output, else its output step's checkpoint, else (an entry point that returns an input) that
   * input from {@code slots}; null for a failed run.
   *
   * @throws CorruptCheckpointException if the stored bytes cannot be decoded
   * @throws IllegalStateException if the output was not stored and cannot be returned again
   */
  Object outputOf(RunRecord record, BoundPlan plan, Object[] slots) {
    WorkflowStatus status = record.status();
    if (!status.isSuccess()) {
      return null;
    }
    if (record.output() != null && plan.outputCodec != null) {
      return Codecs.decode(plan.outputCodec, record.output());
    }
    int slot = plan.plan.outputSlot();
    int step = plan.producerOf[slot];
    if (step < 0) {
      return slots[slot];
    }
    StepDescriptor producer = plan.steps[step];
    byte[] bytes = producer.isCheckpointed() ? record.outputs().get(producer.name()) : null;
    if (bytes == null) {
      throw new IllegalStateException(
          "run '"
              + record.runId()
              + "' already ended "
              + status
              + "; its output cannot be returned again: its type has no checkpoint codec and step '"
              + producer.name()
              + "' is not @Checkpointed");
    }
    return restore(producer, bytes);
  }

  // -----------------------------------------------------------------------------------------------
  // Housekeeping

  /** Deletes runs that ended before {@code before}; returns how many. */
  int purgeFinished(Instant before) {
    return store.purgeFinished(before);
  }

  // -----------------------------------------------------------------------------------------------
  // This node among others

  /** How long a node stays alive after a heartbeat; null: the store has no leases. */
  Duration leaseDuration() {
    return store.leaseDuration();
  }

  String nodeId() {
    return store.nodeId();
  }

  /** Renews this node's lease; false if it had lapsed (or is new). */
  boolean heartbeat() {
    return store.heartbeat();
  }

  /** Of {@code runIds}, those this node still owns. */
  Set<String> confirm(Collection<String> runIds) {
    return store.confirm(runIds);
  }

  /** Takes over up to {@code max} runs of gone nodes, or handed back. */
  List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    return store.takeOver(entryPoints, max);
  }

  /** Hands this node's unfinished runs back and ends its lease (at shutdown, and at start-up). */
  void leave() {
    store.leave();
  }
}
