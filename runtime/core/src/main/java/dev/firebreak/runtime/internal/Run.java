package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.DegradedStep;
import dev.firebreak.runtime.RunCancelledException;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One run of an entry point: a small state machine driven by whichever thread finished the last
 * piece of work.
 *
 * <p>The policy chain around a step, outermost first, and the class that holds each link: the
 * checkpoint lookup ({@link #startStep}, through {@link RunJournal}) → degradation ({@link
 * Degradation}) → retry ({@link Retrying}) → the breaker, then the timeout, then the agent method
 * ({@link Attempt}, {@link AsyncAttempt}; parking on an open breaker in {@link Parking}). The last
 * step done hands the run to {@link Ending}; when a critical step failed for good, {@link
 * Compensation} undoes what completed and {@link DeadLettering} ends the run. What happened to the
 * steps is noted in {@link RunTimeline}, for the runs API.
 *
 * <p>Threading: a step becomes ready when its last prerequisite completes ({@link #waiting} reaches
 * zero). The thread that completed it runs the first ready successor itself, in the {@link #drive}
 * loop, and hands only the other ready siblings to the executor — so a linear chain runs start to
 * end on one thread with no hand-off. Retries wait on the scheduler, not on a thread. {@link
 * #active} counts steps launched and not finished; the thread that brings it to zero ends the run,
 * exactly once.
 *
 * <p>Every step method returns the index of the next step this thread should run, or {@link #NONE}.
 */
final class Run {
  /** A step method's answer: this thread has no next step to run. */
  static final int NONE = -1;

  /** An attempt's answer: attempt the step again at once. */
  static final int RETRY = -2;

  /** Where a step's output came from. */
  enum Origin {
    AGENT,
    FALLBACK,
    NEUTRAL,
    RESTORED
  }

  /** Why the run failed: the critical step that failed for good (-1 for none), and its error. */
  record Failure(int step, Throwable error) {}

  final BoundPlan plan;
  final Engine engine;
  final String runId;
  final CompletableFuture<WorkflowResult<Object>> result = new CompletableFuture<>();
  final Object[] slots;
  final AtomicReferenceArray<StepRun> stepRuns;
  final AtomicInteger parkedSteps = new AtomicInteger();
  private volatile boolean cancelled;
  private final AtomicIntegerArray waiting;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicReference<Failure> failure = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Integer> compensable = new ConcurrentLinkedQueue<>();
  final ConcurrentLinkedQueue<DegradedStep> degraded = new ConcurrentLinkedQueue<>();
  final RunTimeline timeline;
  long startedAt;
  long deadlineAt = Long.MAX_VALUE;
  Instant deadline;
  private Map<String, byte[]> restored = Map.of();

  /**
   * The node's epoch (its count of lapsed leases) read before the write that made the run this
   * node's, or at its last confirmation: a step starts only while it is the node's current one.
   */
  volatile long epoch;

  /** Whether the run is recorded in the store: only then can the node confirm it. */
  volatile boolean opened;

  /**
   * Completes once the run is in the store (opened here, or held there by another node), or fails
   * with the store's refusal: what a bus request waits for before it is acknowledged.
   */
  final CompletableFuture<Void> stored = new CompletableFuture<>();

  /** The inputs as stored, for the dead letter; null if not stored. */
  byte[] inputSnapshot;

  private Map<String, Integer> restoredAttempts = Map.of();

  /**
   * The checkpoint of the step that completes the run, kept to be written with the run's end in one
   * write (see {@link #succeeded}); set and read by the thread that ends the run ({@link Ending}).
   */
  int lastStep = -1;

  byte[] lastStepOutput;
  int lastStepAttempts;

  Run(BoundPlan plan, String runId, Object[] inputs) {
    this.plan = plan;
    this.engine = plan.engine;
    this.runId = runId;
    int n = plan.steps.length;
    this.slots = new Object[plan.slotCount];
    for (int k = 0; k < inputs.length; k++) {
      slots[plan.inputSlots[k]] = inputs[k];
    }
    this.stepRuns = new AtomicReferenceArray<>(n);
    this.waiting = new AtomicIntegerArray(plan.prerequisites);
    this.timeline = new RunTimeline(engine.scheduler.now(), engine.scheduler.nanoTime());
  }

  /** Another caller with this run's id: it gets this run, if it asked for the same entry point. */
  Run attach(BoundPlan caller) {
    if (caller != plan) {
      throw new IllegalStateException(
          "run id '"
              + runId
              + "' is already used by a run of "
              + plan.workflow()
              + "."
              + plan.plan.name());
    }
    return this;
  }

  void begin(RunRecord record, boolean inline) {
    startedAt = engine.scheduler.nanoTime();
    if (plan.deadlineNanos > 0) {
      deadlineAt = startedAt + plan.deadlineNanos;
      deadline = engine.scheduler.now().plusNanos(plan.deadlineNanos);
    }
    if (record.status().isTerminal()) {
      Ending.attachFinished(this, record);
      return;
    }
    boolean resumed = !record.outputs().isEmpty() || !record.attempts().isEmpty();
    if (resumed) {
      restored = record.outputs();
      restoredAttempts = record.attempts();
    }
    engine.events.runStarted(runId, plan.workflow(), plan.plan.name(), resumed);
    if (resumed) {
      // What the store lists it as (retrying, parked) is the last process's word: replace it.
      timeline.touch();
      saveNotesQuietly();
    }
    int[] roots = plan.roots;
    if (roots.length == 0) {
      Ending.end(this);
      return;
    }
    active.set(roots.length);
    for (int r = 1; r < roots.length; r++) {
      handOff(roots[r]);
    }
    if (inline) {
      drive(roots[0]);
    } else {
      handOff(roots[0]);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scheduling

  /** Runs {@code step} and whatever it hands back to this thread, until nothing is left. */
  void drive(int step) {
    while (step >= 0) {
      step = startStep(step);
    }
  }

  private void handOff(int step) {
    execute(() -> drive(step));
  }

  /** A retry's delay has passed: the next attempt goes to the executor. */
  void retryNow(StepRun sr) {
    execute(() -> drive(Attempt.attempt(this, sr)));
  }

  void execute(Runnable task) {
    engine.execute(task);
  }

  /**
   * Step {@code i} is ready: the outermost policy, the checkpoint lookup, runs here. A resumed run
   * takes a checkpointed step's output from the store instead of running it; otherwise the step is
   * attempted ({@link Attempt}), retried ({@link Retrying}) and degraded ({@link Degradation}).
   */
  private int startStep(int i) {
    StepRun sr = new StepRun(this, i);
    stepRuns.set(i, sr);
    if (failure.get() != null) {
      return finish(sr);
    }
    StepDescriptor step = plan.steps[i];
    Integer before = restoredAttempts.get(step.name());
    if (before != null) {
      sr.attempts = before;
    }
    boolean checkpointedOutput = step.isCheckpointed() && restored.containsKey(step.name());
    if (before != null
        && !checkpointedOutput
        && before >= step.retry().maxAttempts()
        && step.retry().maxAttempts() > 1) {
      // The attempts were spent before the process stopped; a restart does not grant new ones.
      return Degradation.failedForGood(
          this,
          sr,
          new IllegalStateException(
              "step '"
                  + step.name()
                  + "' used its "
                  + before
                  + " attempts before the process stopped"));
    }
    byte[] checkpoint = step.isCheckpointed() ? restored.get(step.name()) : null;
    if (checkpoint != null) {
      Object value;
      try {
        value = engine.journal.restore(step, checkpoint);
      } catch (CorruptCheckpointException e) {
        return failRun(sr, e);
      }
      return succeeded(sr, value, Origin.RESTORED);
    }
    return Attempt.attempt(this, sr);
  }

  // ---------------------------------------------------------------------------------------------
  // Completion

  @SuppressWarnings("unchecked")
  int succeeded(StepRun sr, Object value, Origin origin) {
    int i = sr.index;
    StepDescriptor step = plan.steps[i];
    if (origin == Origin.AGENT && sr.degradedHow != null) {
      Degradation.byTheAgent(this, sr);
    }
    if (step.isCheckpointed() && origin != Origin.RESTORED) {
      // Durable before any successor can act on it: a crash from here on never recomputes it.
      try {
        byte[] bytes = engine.journal.encode(step, value);
        if (plan.successors[i].length == 0 && active.get() == 1 && failure.get() == null) {
          // Nothing follows this step and nothing else runs: the run ends next, and its end and
          // this checkpoint are one write. Until it is durable, nobody has seen this output.
          lastStep = i;
          lastStepOutput = bytes;
          lastStepAttempts = sr.attempts;
        } else {
          engine.journal.checkpoint(runId, step.name(), bytes, sr.attempts);
        }
      } catch (RuntimeException e) {
        return failRun(
            sr, new IllegalStateException("checkpoint of step '" + step.name() + "' not saved", e));
      }
    }
    slots[plan.stepSlots[i]] = value;
    if ((origin == Origin.AGENT || origin == Origin.RESTORED)
        && plan.bindings[i].compensationCall() != null) {
      compensable.add(i);
    }
    completed.incrementAndGet();
    int next = NONE;
    if (failure.get() == null) {
      for (int s : plan.successors[i]) {
        if (waiting.decrementAndGet(s) == 0) {
          active.incrementAndGet();
          if (next == NONE) {
            next = s;
          } else {
            handOff(s);
          }
        }
      }
    }
    finish(sr);
    return next;
  }

  /**
   * A critical step failed for good: no new step starts, and the last one to finish ends the run.
   */
  int failRun(StepRun sr, Throwable error) {
    sr.failure = error;
    if (failure.compareAndSet(null, new Failure(sr.index, error))) {
      releaseWaitingSteps(sr);
    }
    return finish(sr);
  }

  /** Why the run failed, or null while it has not. */
  Failure failure() {
    return failure.get();
  }

  /** How many steps have completed (with an output: their own, a fallback's or a default). */
  int completedSteps() {
    return completed.get();
  }

  /** The steps to compensate, in the order they completed. */
  Integer[] compensableInOrder() {
    return compensable.toArray(new Integer[0]);
  }

  /** {@code sr} is being retried: the run counts it among its retrying steps until it ends. */
  void retrying(StepRun sr) {
    if (!sr.retryCounted) {
      sr.retryCounted = true;
      timeline.retryStarted();
    }
  }

  /**
   * Writes the run's notes ({@link RunTimeline}) alone. They only feed the runs API, so a write
   * that fails leaves the run going, and the next write carries them.
   */
  void saveNotesQuietly() {
    try {
      engine.journal.notesChanged(runId, timeline);
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(Run.class)
          .debug("run {}: notes not recorded", RunIds.forLog(runId), e);
    }
  }

  /** {@code sr} is done; the last step to be done ends the run. */
  int finish(StepRun sr) {
    if (sr.retryCounted) {
      sr.retryCounted = false;
      timeline.retryEnded();
      if (active.get() > 1 && !hasFailed()) {
        // The run goes on: it no longer lists as retrying this step. Its end would say so itself.
        saveNotesQuietly();
      }
    }
    if (active.decrementAndGet() == 0) {
      Ending.end(this);
    }
    return NONE;
  }

  /** The time left before the run's deadline, if it has one (what {@link StepContext} shows). */
  Optional<Duration> remaining() {
    return deadline == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(Math.max(0, deadlineAt - engine.scheduler.nanoTime())));
  }

  /** The run no longer counts against admission, and its id no longer attaches to it. */
  void leaveFlight() {
    engine.runs.remove(runId, this);
    engine.inFlight.decrementAndGet();
  }

  // ---------------------------------------------------------------------------------------------
  // Parking, cancellation

  /**
   * Cancels the run: no step starts or retries, running steps are interrupted (sync) or their
   * stages cancelled (async), parked steps leave their breakers; then completed steps are
   * compensated. Returns false if the run had already failed or ended.
   */
  boolean cancel() {
    return stop(cancellation());
  }

  /**
   * This node no longer owns the run (another took it over, or a shutdown handed it back): it stops
   * as {@link #cancel} stops it, and its end writes nothing, compensates nothing and dead-letters
   * nothing; callers get {@code lost}.
   */
  void lose(RunOwnedElsewhereException lost) {
    if (!stop(lost)) {
      lostWhileEnding = lost; // already failed: its compensation stops at its next step
    }
  }

  /**
   * Set when the run was taken over or handed back after it had failed, while it compensates: the
   * undo stops, writing nothing more ({@link Compensation}).
   */
  volatile RunOwnedElsewhereException lostWhileEnding;

  private boolean stop(Throwable reason) {
    if (!failure.compareAndSet(null, new Failure(-1, reason))) {
      return false;
    }
    cancelled = true;
    releaseWaitingSteps(null);
    for (int i = 0; i < stepRuns.length(); i++) {
      StepRun sr = stepRuns.get(i);
      InFlight attempt = sr == null ? null : sr.inFlight;
      if (attempt != null) {
        attempt.stop();
      }
    }
    return true;
  }

  Throwable cancellation() {
    return new RunCancelledException(runId);
  }

  /** Whether the run has failed or been cancelled: no step starts or retries any more. */
  boolean hasFailed() {
    return failure.get() != null;
  }

  boolean isCancelled() {
    return cancelled;
  }

  /** After the run failed: steps waiting for a retry or a breaker will not go on; finish them. */
  private void releaseWaitingSteps(StepRun except) {
    for (int i = 0; i < stepRuns.length(); i++) {
      StepRun other = stepRuns.get(i);
      if (other == null || other == except) {
        continue;
      }
      if (other.cancelRetry()) {
        finish(other);
      }
      Parked p = other.parked;
      if (p != null && p.take()) {
        p.breaker.forget(p);
        other.parked = null;
        timeline.unparked(p.breaker.name());
        parkedSteps.decrementAndGet();
        finish(other);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** Agent calls of step {@code i} run with the run, workflow and step in the SLF4J MDC. */
  void putMdc(int i) {
    if (engine.mdc) {
      MDC.put("firebreak.runId", runId);
      MDC.put("firebreak.workflow", plan.workflow());
      MDC.put("firebreak.step", plan.steps[i].name());
    }
  }

  void clearMdc() {
    if (engine.mdc) {
      MDC.remove("firebreak.runId");
      MDC.remove("firebreak.workflow");
      MDC.remove("firebreak.step");
    }
  }
}
