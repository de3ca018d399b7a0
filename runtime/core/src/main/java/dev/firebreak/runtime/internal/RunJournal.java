package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

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
 *   <li><b>Notes</b> for the runs API ({@link RunNotes}: the timeline, the steps retrying now, the
 *       breaker it is parked on) ride on the writes above: an attempt after the first, parking, the
 *       end; a retried step that ends without the run ending writes them alone.
 *   <li><b>Compensation</b> forgets a compensated step's checkpoint, so a replay runs it again.
 *   <li><b>The end</b>: success with its encoded output (and the last step's checkpoint, in one
 *       write), or failure with its dead letter (one write where the store keeps the letters),
 *       before the entry point returns.
 * </ol>
 *
 * A store that is not durable ({@link CheckpointStore#isDurable()}) keeps no inputs, attempts or
 * outputs: nothing of it outlives the process. A store out of reach ({@link
 * StoreUnavailableException}) is waited out: its runs pause at their next write, and go on when it
 * is back.
 */
final class RunJournal {
  private final CheckpointStore store;
  private final DeadLetterQueue deadLetters;
  private final Scheduler scheduler;

  /** How long a run's write waits for a store that is out of reach before it fails. */
  static final Duration OUTAGE_LIMIT = Duration.ofMinutes(5);

  private static final long FIRST_WAIT = Duration.ofMillis(50).toNanos();
  private static final long LONGEST_WAIT = Duration.ofSeconds(2).toNanos();

  /**
   * Whether the dead letters live in the store, so that a run's end and its letter are one write.
   */
  private final boolean deadLettersInStore;

  /** The store's values by key, if it keeps them. */
  java.util.Optional<dev.firebreak.runtime.KeyValues> keyValues() {
    return store.keyValues();
  }

  RunJournal(CheckpointStore store, DeadLetterQueue deadLetters, Scheduler scheduler) {
    this.store = store;
    this.scheduler = scheduler;
    this.deadLetters = deadLetters;
    this.deadLettersInStore = store.deadLetterQueue().filter(q -> q == deadLetters).isPresent();
  }

  /** Whether runs outlive the process: only then are inputs, attempts and outputs stored. */
  boolean isDurable() {
    return store.isDurable();
  }

  // -----------------------------------------------------------------------------------------------
  // A store that is away

  private interface Write {
    void run();
  }

  private void durably(Write write, BooleanSupplier appliedAlready) {
    durably(
        () -> {
          write.run();
          return null;
        },
        appliedAlready);
  }

  /**
   * {@code write}, waited out while the store is out of reach ({@link StoreUnavailableException}):
   * tried again with a growing pause (50 ms to 2 s, on the scheduler) for up to {@link
   * #OUTAGE_LIMIT}. A write whose connection broke may have been applied: if a later try is refused
   * (the step is already recorded, the run already ended), {@code appliedAlready} (null: the write
   * is idempotent) tells whether the store holds what this write meant to, and then it succeeded.
   */
  private <T> T durably(Supplier<T> write, BooleanSupplier appliedAlready) {
    long waited = 0;
    long pause = FIRST_WAIT;
    boolean tried = false;
    while (true) {
      try {
        return write.get();
      } catch (StoreUnavailableException e) {
        if (waited >= OUTAGE_LIMIT.toNanos()) {
          throw e;
        }
        sleep(pause);
        waited += pause;
        pause = Math.min(pause * 2, LONGEST_WAIT);
        tried = true;
      } catch (RuntimeException e) {
        if (tried && appliedAlready != null && appliedAlready.getAsBoolean()) {
          return null;
        }
        throw e;
      }
    }
  }

  /** Waits {@code nanos} on the scheduler's time, so that tests drive it. */
  private void sleep(long nanos) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    scheduler.schedule(() -> done.complete(null), nanos);
    done.join();
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
    return durably(
        () -> store.open(runId, plan.workflow(), plan.name(), plan.graphHash(), stored), null);
  }

  /** The stored run {@code runId}. */
  RunRecord find(String runId) {
    return durably(() -> store.find(runId), null)
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

  /**
   * Attempt {@code attempt} of {@code step} is about to start; one after the first carries the
   * run's notes, if they changed since they were last written.
   */
  void attemptStarting(String runId, String step, int attempt, RunTimeline timeline) {
    if (attempt == 1 || !timeline.changed()) {
      durably(() -> store.saveAttempt(runId, step, attempt), null);
    } else {
      withNotes(timeline, notes -> store.saveAttempt(runId, step, attempt, notes), true);
    }
  }

  /**
   * The run's notes changed outside any other write: a retry is waiting, or a retried step ended.
   */
  void notesChanged(String runId, RunTimeline timeline) {
    withNotes(timeline, notes -> store.saveNotes(runId, notes), false);
  }

  /**
   * {@code write} with the notes {@code timeline} holds now, one write of the run's notes at a
   * time; waited out like any write if {@code waitOutOutage}, else tried once (notes alone only
   * feed the runs API, and a run does not wait minutes for them). If it fails, the timeline keeps
   * its entries for the next write.
   */
  private void withNotes(
      RunTimeline timeline, java.util.function.Consumer<RunNotes> write, boolean waitOutOutage) {
    timeline.writing.lock();
    try {
      List<TimelineEntry> entries = timeline.drain();
      RunNotes notes = new RunNotes(entries, timeline.retrying(), timeline.parkedOn());
      try {
        if (waitOutOutage) {
          durably(() -> write.accept(notes), null);
        } else {
          write.accept(notes);
        }
      } catch (RuntimeException e) {
        timeline.giveBack(entries);
        throw e;
      }
    } finally {
      timeline.writing.unlock();
    }
  }

  /** The bytes {@code step}'s checkpoint holds for {@code value}. */
  @SuppressWarnings("unchecked")
  byte[] encode(StepDescriptor step, Object value) {
    return Codecs.encode((CheckpointCodec<Object>) step.checkpointCodec(), value);
  }

  /** Records {@code step}'s checkpoint: its encoded output after {@code attempts} attempts. */
  void checkpoint(String runId, String step, byte[] output, int attempts) {
    durably(
        () -> store.saveStep(runId, step, output, attempts),
        () -> Arrays.equals(find(runId).outputs().get(step), output));
  }

  /**
   * {@code step}'s output from its stored checkpoint.
   *
   * @throws CorruptCheckpointException if the bytes do not hold a value of the step's type
   */
  Object restore(StepDescriptor step, byte[] checkpoint) {
    return Codecs.decode(step.checkpointCodec(), checkpoint);
  }

  /** The run is parked on a breaker (which the notes name), or running again. */
  void statusChanged(String runId, WorkflowStatus status, RunTimeline timeline) {
    withNotes(timeline, notes -> store.saveStatus(runId, status, notes), true);
  }

  /** {@code step} was undone: its checkpoint is forgotten, so that a replay runs it again. */
  void compensated(String runId, String step) {
    durably(() -> store.resetSteps(runId, List.of(step)), null);
  }

  // -----------------------------------------------------------------------------------------------
  // The end

  /**
   * The run succeeded with {@code status} and {@code output} (stored when {@code outputCodec} is
   * not null); {@code lastStep}, if not null, is the checkpoint of the step that completed it,
   * written in the same write, as are the last of its notes.
   */
  void completed(
      String runId,
      WorkflowStatus status,
      CheckpointCodec<Object> outputCodec,
      Object output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts,
      RunTimeline timeline) {
    byte[] encoded = outputCodec == null ? null : Codecs.encode(outputCodec, output);
    timeline.writing.lock();
    try {
      RunEnd end = RunEnd.success(status, encoded, lastNotes(timeline));
      if (lastStep == null) {
        durably(() -> store.end(runId, end), () -> find(runId).status() == status);
        return;
      }
      durably(
          () -> store.end(runId, end.withLastStep(lastStep, lastStepOutput, lastStepAttempts)),
          () -> {
            RunRecord stored = find(runId);
            if (stored.status() == status) {
              return true;
            }
            if (!Arrays.equals(stored.outputs().get(lastStep), lastStepOutput)) {
              return false;
            }
            // A store that writes the two apart recorded the step, not the end: end it now.
            durably(() -> store.end(runId, end), () -> find(runId).status() == status);
            return true;
          });
    } finally {
      timeline.writing.unlock();
    }
  }

  /**
   * The run failed with {@code status}; {@code letter}, if not null, goes to the dead-letter queue.
   * Where the store keeps the letters, the end, the letter and the last notes are one write (a run
   * that ended meanwhile gets none); elsewhere the letter is written first, then the end.
   */
  void failed(String runId, WorkflowStatus status, DeadLetter letter, RunTimeline timeline) {
    DeadLetter inStore = deadLettersInStore ? letter : null;
    if (!deadLettersInStore && letter != null) {
      deadLetters.add(letter);
    }
    timeline.writing.lock();
    try {
      RunEnd end = RunEnd.failure(status, inStore, lastNotes(timeline));
      durably(() -> store.end(runId, end), () -> find(runId).status() == status);
    } finally {
      timeline.writing.unlock();
    }
  }

  /** The notes a run's end carries: the rest of its timeline; nothing retrying, nothing parked. */
  private static RunNotes lastNotes(RunTimeline timeline) {
    return new RunNotes(timeline.drain(), 0, null);
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

  /** {@link #confirm}, waiting for a store that is away. */
  Set<String> confirmWaiting(Collection<String> runIds) {
    return durably(() -> store.confirm(runIds), null);
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
