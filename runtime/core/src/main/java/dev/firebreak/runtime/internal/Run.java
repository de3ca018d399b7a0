package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CircuitOpenException;
import dev.firebreak.runtime.CorruptCheckpointException;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.DeadlineExceededException;
import dev.firebreak.runtime.DegradedStep;
import dev.firebreak.runtime.InvalidInputException;
import dev.firebreak.runtime.NullOutputException;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.StepTimeoutException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.slf4j.MDC;

/**
 * One run of an entry point: a small state machine driven by whichever thread finished the last
 * piece of work.
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
  private static final int NONE = -1;
  private static final int RETRY = -2;

  private enum Origin {
    AGENT,
    FALLBACK,
    NEUTRAL,
    RESTORED
  }

  private record Failure(int step, Throwable error) {}

  final BoundPlan plan;
  final Engine engine;
  final String runId;
  final CompletableFuture<WorkflowResult<Object>> result = new CompletableFuture<>();
  private final Object[] slots;
  private final java.util.concurrent.atomic.AtomicReferenceArray<StepRun> stepRuns;
  private final AtomicInteger parkedSteps = new AtomicInteger();
  private volatile boolean cancelled;
  private final AtomicIntegerArray waiting;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicReference<Failure> failure = new AtomicReference<>();
  private final ConcurrentLinkedQueue<Integer> compensable = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<DegradedStep> degraded = new ConcurrentLinkedQueue<>();
  private long startedAt;
  long deadlineAt = Long.MAX_VALUE;
  Instant deadline;
  private Map<String, byte[]> restored = Map.of();

  /** The inputs as stored, for the dead letter; null if not stored. */
  byte[] inputSnapshot;

  private Map<String, Integer> restoredAttempts = Map.of();

  /**
   * The checkpoint of the step that completes the run, kept to be written with the run's end in one
   * write (see {@link #succeeded}); set and read by the thread that ends the run.
   */
  private int lastStep = -1;

  private byte[] lastStepOutput;
  private int lastStepAttempts;

  Run(BoundPlan plan, String runId, Object[] inputs) {
    this.plan = plan;
    this.engine = plan.engine;
    this.runId = runId;
    int n = plan.steps.length;
    this.slots = new Object[plan.inputs + n];
    System.arraycopy(inputs, 0, slots, 0, inputs.length);
    this.stepRuns = new java.util.concurrent.atomic.AtomicReferenceArray<>(n);
    this.waiting = new AtomicIntegerArray(plan.prerequisites);
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
      attachFinished(record);
      return;
    }
    boolean resumed = !record.outputs().isEmpty() || !record.attempts().isEmpty();
    if (resumed) {
      restored = record.outputs();
      restoredAttempts = record.attempts();
    }
    engine.events.runStarted(runId, plan.workflow(), plan.plan.name(), resumed);
    int[] roots = plan.roots;
    if (roots.length == 0) {
      end();
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

  private void drive(int step) {
    while (step >= 0) {
      step = startStep(step);
    }
  }

  private void handOff(int step) {
    execute(() -> drive(step));
  }

  void retryNow(StepRun sr) {
    execute(() -> drive(attempt(sr)));
  }

  private void execute(Runnable task) {
    engine.execute(task);
  }

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
      return failedForGood(
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
    return attempt(sr);
  }

  // ---------------------------------------------------------------------------------------------
  // Attempts: deadline → breaker → timeout → the agent method

  private int attempt(StepRun sr) {
    int i = sr.index;
    StepDescriptor step = plan.steps[i];
    StepBinding binding = plan.bindings[i];
    while (true) {
      if (failure.get() != null) {
        return finish(sr);
      }
      long now = engine.scheduler.nanoTime();
      if (!sr.started) {
        sr.started = true;
        sr.firstAttemptAt = now;
      }
      int n = ++sr.attempts;
      if (plan.recordsAttempts[i]) {
        // Durable before the call: a run resumed after a crash counts this attempt as made.
        try {
          engine.journal.attemptStarting(runId, step.name(), n);
        } catch (RuntimeException e) {
          return failRun(
              sr,
              new IllegalStateException(
                  "attempt " + n + " of step '" + step.name() + "' not recorded", e));
        }
      }
      long remaining = deadlineAt - now;
      if (remaining <= 0) {
        return failedForGood(
            sr,
            new DeadlineExceededException(step.name(), n, deadline, "passed before the attempt"));
      }
      Breaker breaker = plan.breakers[i];
      long permit = 0;
      if (breaker != null && (permit = breaker.tryAcquire(now)) == Breaker.REJECTED) {
        if (plan.parksOnOpenCircuit[i] && park(sr, breaker, now)) {
          // The call was never made: waiting for the breaker is not an attempt.
          sr.attempts--;
          return NONE;
        }
        Throwable open = new CircuitOpenException(breaker.name());
        engine.events.attemptFailed(runId, plan.workflow(), step.name(), n, open, 0);
        int next = afterFailure(sr, open, now);
        if (next == RETRY) {
          continue;
        }
        return next;
      }
      long timeout = Math.min(plan.timeoutNanos[i], remaining);
      engine.events.attemptStarted(runId, plan.workflow(), step.name(), n);
      if (binding.asyncCall() != null) {
        return startAsync(sr, breaker, permit, now, timeout);
      }
      TimeoutGuard guard = new TimeoutGuard(Thread.currentThread());
      Cancellable timer = engine.scheduler.schedule(guard, timeout);
      sr.inFlight = guard;
      if (cancelled) {
        guard.run();
      }
      Object value = null;
      Throwable error = null;
      putMdc(step);
      try {
        value = output(i, binding.syncCall().call(slots, sr), "returned");
      } catch (Throwable t) {
        error = t;
      } finally {
        clearMdc();
      }
      boolean inTime = guard.finish();
      sr.inFlight = null;
      timer.cancel();
      long end = engine.scheduler.nanoTime();
      if (!inTime) {
        error = cancelled ? cancellation() : timedOut(step, n, timeout, error);
      }
      if (breaker != null && !cancelled) {
        breaker.onResult(permit, error, end);
      }
      if (error == null) {
        engine.events.attemptSucceeded(runId, plan.workflow(), step.name(), n, end - now);
        return succeeded(sr, value, Origin.AGENT);
      }
      engine.events.attemptFailed(runId, plan.workflow(), step.name(), n, error, end - now);
      int next = afterFailure(sr, error, end);
      if (next != RETRY) {
        return next;
      }
    }
  }

  private Throwable timedOut(StepDescriptor step, int attempt, long timeout, Throwable cause) {
    // A timeout shortened to the run's remaining budget is the deadline passing, not the step's.
    java.util.concurrent.TimeoutException e =
        timeout < step.timeout().toNanos()
            ? new DeadlineExceededException(
                step.name(), attempt, deadline, "passed during the attempt")
            : new StepTimeoutException(step.name(), attempt, Duration.ofNanos(timeout));
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private int startAsync(StepRun sr, Breaker breaker, long permit, long started, long timeout) {
    StepDescriptor step = plan.steps[sr.index];
    CompletionStage<?> stage;
    putMdc(step);
    try {
      stage = plan.bindings[sr.index].asyncCall().call(slots, sr);
      if (stage == null) {
        throw new NullPointerException(
            "step '" + step.name() + "' returned a null CompletionStage");
      }
    } catch (Throwable t) {
      return afterAsync(sr, breaker, permit, started, null, t);
    } finally {
      clearMdc();
    }
    if (stage instanceof CompletableFuture<?> && ((CompletableFuture<?>) stage).isDone()) {
      // Already complete: go on on this thread, as for a sync step.
      Object value = null;
      Throwable error = null;
      try {
        value = ((CompletableFuture<?>) stage).join();
      } catch (CompletionException | CancellationException e) {
        error = unwrap(e);
      }
      return afterAsync(sr, breaker, permit, started, value, error);
    }
    AsyncAttempt pending = new AsyncAttempt(sr, breaker, permit, started, timeout, stage);
    pending.timer = engine.scheduler.schedule(pending::timeout, timeout);
    sr.inFlight = pending;
    stage.whenComplete(pending);
    if (cancelled) {
      pending.cancel();
    }
    return NONE;
  }

  /**
   * An async attempt in flight: completed by its stage or by its timeout, whichever comes first.
   */
  private final class AsyncAttempt implements BiConsumer<Object, Throwable> {
    private final AtomicBoolean done = new AtomicBoolean();
    private final StepRun sr;
    private final Breaker breaker;
    private final long permit;
    private final long started;
    private final long timeout;
    private final CompletionStage<?> stage;
    volatile Cancellable timer;

    AsyncAttempt(
        StepRun sr,
        Breaker breaker,
        long permit,
        long started,
        long timeout,
        CompletionStage<?> stage) {
      this.sr = sr;
      this.breaker = breaker;
      this.permit = permit;
      this.started = started;
      this.timeout = timeout;
      this.stage = stage;
    }

    @Override
    public void accept(Object value, Throwable error) {
      if (done.compareAndSet(false, true)) {
        Cancellable t = timer;
        if (t != null) {
          t.cancel();
        }
        // Continue on our executor, not on the thread that completed the agent's stage.
        execute(() -> drive(afterAsync(sr, breaker, permit, started, value, unwrap(error))));
      }
    }

    void timeout() {
      stop(timedOut(plan.steps[sr.index], sr.attempts, timeout, null));
    }

    void cancel() {
      stop(cancellation());
    }

    private void stop(Throwable error) {
      if (done.compareAndSet(false, true)) {
        Cancellable t = timer;
        if (t != null) {
          t.cancel();
        }
        try {
          stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignored) {
          // A stage that cannot be cancelled keeps running; its result is ignored.
        }
        execute(() -> drive(afterAsync(sr, breaker, permit, started, null, error)));
      }
    }
  }

  private int afterAsync(
      StepRun sr, Breaker breaker, long permit, long started, Object value, Throwable error) {
    sr.inFlight = null;
    if (error == null) {
      try {
        value = output(sr.index, value, "completed its stage with");
      } catch (NullOutputException e) {
        error = e;
      }
    }
    long end = engine.scheduler.nanoTime();
    if (breaker != null && !cancelled) {
      breaker.onResult(permit, error, end);
    }
    String name = plan.steps[sr.index].name();
    if (error == null) {
      engine.events.attemptSucceeded(runId, plan.workflow(), name, sr.attempts, end - started);
      return succeeded(sr, value, Origin.AGENT);
    }
    engine.events.attemptFailed(runId, plan.workflow(), name, sr.attempts, error, end - started);
    int next = afterFailure(sr, error, end);
    return next == RETRY ? attempt(sr) : next;
  }

  private static Throwable unwrap(Throwable error) {
    while ((error instanceof CompletionException || error instanceof ExecutionException)
        && error.getCause() != null) {
      error = error.getCause();
    }
    return error;
  }

  // ---------------------------------------------------------------------------------------------
  // Retry, then degradation

  private static boolean neverRetried(Throwable error) {
    return error instanceof InvalidInputException
        || error instanceof CircuitOpenException
        || error instanceof DeadlineExceededException
        || error instanceof CorruptCheckpointException;
  }

  /**
   * After a failed attempt: {@link #RETRY} at once, a retry scheduled ({@link #NONE}), or failed
   * for good.
   */
  private int afterFailure(StepRun sr, Throwable error, long now) {
    if (failure.get() != null) {
      // The run already failed or was cancelled: no retry, no fallback, just stop.
      sr.failure = error;
      return finish(sr);
    }
    StepDescriptor step = plan.steps[sr.index];
    RetryPolicy policy = step.retry();
    if (neverRetried(error) || sr.attempts >= policy.maxAttempts() || !policy.retries(error)) {
      return failedForGood(sr, error);
    }
    long delay = Backoff.delayNanos(policy, sr.attempts);
    if (policy.maxDuration() != null
        && now + delay - sr.firstAttemptAt >= policy.maxDuration().toNanos()) {
      return failedForGood(sr, error);
    }
    if (now + delay >= deadlineAt) {
      DeadlineExceededException late =
          new DeadlineExceededException(
              step.name(), sr.attempts, deadline, "would pass before the next retry");
      late.initCause(error);
      return failedForGood(sr, late);
    }
    engine.events.retryScheduled(
        runId, plan.workflow(), step.name(), sr.attempts + 1, delay, error);
    if (delay == 0) {
      return RETRY;
    }
    sr.scheduleRetry(delay);
    // A critical failure elsewhere may have raced the scheduling: then nobody else will cancel it.
    if (failure.get() != null && sr.cancelRetry()) {
      return finish(sr);
    }
    return NONE;
  }

  private int failedForGood(StepRun sr, Throwable error) {
    sr.failure = error;
    if (error instanceof InvalidInputException) {
      // Bad input is nobody's fault downstream: no fallback or default can make it right.
      return failRun(sr, error);
    }
    StepBinding binding = plan.bindings[sr.index];
    if (binding.fallbackCall() == null) {
      return withoutFallback(sr, error);
    }
    Object value;
    try {
      value = binding.fallbackCall().call(slots, error);
    } catch (Throwable t) {
      error.addSuppressed(t);
      return withoutFallback(sr, error);
    }
    if (!binding.isAsyncFallback()) {
      return fallenBackTo(sr, error, value);
    }
    CompletionStage<?> stage = (CompletionStage<?>) value;
    if (stage == null) {
      error.addSuppressed(new NullPointerException("fallback returned a null CompletionStage"));
      return withoutFallback(sr, error);
    }
    stage.whenComplete(
        (v, e) ->
            execute(
                () -> {
                  if (e != null) {
                    error.addSuppressed(unwrap(e));
                    drive(withoutFallback(sr, error));
                  } else {
                    drive(fallenBackTo(sr, error, v));
                  }
                }));
    return NONE;
  }

  /**
   * The fallback produced {@code value}: the step's output, unless it is a null the step refuses.
   */
  private int fallenBackTo(StepRun sr, Throwable error, Object value) {
    try {
      return degradedTo(sr, error, output(sr.index, value, "has a fallback that returned"), true);
    } catch (NullOutputException e) {
      error.addSuppressed(e);
      return withoutFallback(sr, error);
    }
  }

  /**
   * {@code value} as step {@code i}'s output: a null is refused unless the step declares its output
   * nullable ({@code @Nullable}) or {@code Optional} (then it is {@code Optional.empty()}), so that
   * no null reaches the next step as a silent half-result.
   *
   * @throws NullOutputException for a refused null
   */
  private Object output(int i, Object value, String how) {
    if (value != null) {
      return value;
    }
    StepDescriptor step = plan.steps[i];
    switch (step.nullOutput()) {
      case ALLOWED:
        return null;
      case EMPTY_OPTIONAL:
        return Optional.empty();
      default:
        String where = step.declaredBy().isEmpty() ? "" : " (" + step.declaredBy() + ")";
        throw new NullOutputException(
            "step '"
                + step.name()
                + "'"
                + where
                + " "
                + how
                + " null: declare its output Optional, or the method"
                + " @Nullable, if no value is a valid answer");
    }
  }

  private int withoutFallback(StepRun sr, Throwable error) {
    StepDescriptor step = plan.steps[sr.index];
    if (step.isCritical()) {
      return failRun(sr, error);
    }
    return degradedTo(sr, error, step.neutralDefault(), false);
  }

  private int degradedTo(StepRun sr, Throwable cause, Object value, boolean fallbackUsed) {
    String name = plan.steps[sr.index].name();
    degraded.add(new DegradedStep(name, cause, fallbackUsed));
    engine.events.degraded(runId, plan.workflow(), name, cause, fallbackUsed);
    return succeeded(sr, value, fallbackUsed ? Origin.FALLBACK : Origin.NEUTRAL);
  }

  // ---------------------------------------------------------------------------------------------
  // Completion

  @SuppressWarnings("unchecked")
  private int succeeded(StepRun sr, Object value, Origin origin) {
    int i = sr.index;
    StepDescriptor step = plan.steps[i];
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
    slots[plan.inputs + i] = value;
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
  private int failRun(StepRun sr, Throwable error) {
    sr.failure = error;
    if (failure.compareAndSet(null, new Failure(sr.index, error))) {
      releaseWaitingSteps(sr);
    }
    return finish(sr);
  }

  private int finish(StepRun sr) {
    if (active.decrementAndGet() == 0) {
      end();
    }
    return NONE;
  }

  private void end() {
    Failure f = failure.get();
    long elapsed = engine.scheduler.nanoTime() - startedAt;
    if (f == null && completed.get() == plan.steps.length) {
      WorkflowStatus status =
          degraded.isEmpty() ? WorkflowStatus.COMPLETED : WorkflowStatus.COMPLETED_DEGRADED;
      try {
        engine.journal.completed(
            runId,
            status,
            plan.outputCodec,
            slots[plan.plan.outputSlot()],
            lastStep >= 0 ? plan.steps[lastStep].name() : null,
            lastStepOutput,
            lastStepAttempts);
      } catch (RuntimeException e) {
        close(null, elapsed, e);
        return;
      }
      close(
          new WorkflowResult<>(
              runId,
              plan.workflow(),
              status,
              slots[plan.plan.outputSlot()],
              List.copyOf(degraded),
              attempts(),
              null,
              null,
              List.of()),
          elapsed,
          null);
      return;
    }
    Failure failed =
        f != null ? f : new Failure(-1, new IllegalStateException("run ended with steps not run"));
    if (lastStep >= 0) {
      // Cancelled while its last step completed: that step's checkpoint is written on its own.
      try {
        engine.journal.checkpoint(
            runId, plan.steps[lastStep].name(), lastStepOutput, lastStepAttempts);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Run.class)
            .warn(
                "run {}: checkpoint of step '{}' not saved",
                RunIds.forLog(runId),
                plan.steps[lastStep].name(),
                e);
      }
    }
    RuntimeException lost = ownershipLost(failed.error());
    if (lost != null) {
      // Another process took the run over: it continues it; this one neither compensates nor
      // dead-letters, and writes nothing more.
      close(null, elapsed, lost);
      return;
    }
    compensate(
        failed, compensable.toArray(new Integer[0]), compensable.size() - 1, 1, new ArrayList<>());
  }

  /**
   * Undoes completed compensable steps, last completed first, each retried with its step's retry
   * policy (a step without {@code @Retry} gets {@link RetryPolicy#DEFAULTS}); delays wait on the
   * scheduler. A compensation that fails for good is recorded and the others still run. Then the
   * run fails.
   */
  private void compensate(Failure f, Integer[] order, int k, int attempt, List<String> failed) {
    while (k >= 0) {
      int i = order[k];
      String name = plan.steps[i].name();
      try {
        plan.bindings[i]
            .compensationCall()
            .call(slots[plan.inputs + i], slots, new Compensation(name, attempt));
        engine.events.compensated(runId, plan.workflow(), name, attempt);
        if (plan.steps[i].isCheckpointed()) {
          // Undone: a replay of this run must run the step again, not reuse its checkpoint.
          try {
            engine.journal.compensated(runId, name);
          } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Run.class)
                .warn(
                    "run {}: checkpoint of compensated step {} not reset",
                    RunIds.forLog(runId),
                    name,
                    e);
          }
        }
        k--;
        attempt = 1;
        continue;
      } catch (Throwable t) {
        RetryPolicy policy =
            plan.steps[i].retry().maxAttempts() > 1 ? plan.steps[i].retry() : RetryPolicy.DEFAULTS;
        if (attempt < policy.maxAttempts() && policy.retries(t)) {
          long delay = Backoff.delayNanos(policy, attempt);
          if (delay > 0) {
            int at = k;
            int next = attempt + 1;
            engine.scheduler.schedule(
                () -> execute(() -> compensate(f, order, at, next, failed)), delay);
            return;
          }
          attempt++;
          continue;
        }
        failed.add(name);
        engine.events.compensationFailed(runId, plan.workflow(), name, attempt, t);
        k--;
        attempt = 1;
      }
    }
    failAfterCompensation(f, failed);
  }

  private void failAfterCompensation(Failure f, List<String> failedCompensations) {
    long elapsed = engine.scheduler.nanoTime() - startedAt;
    Throwable error = f.error();
    String step = f.step() >= 0 ? plan.steps[f.step()].name() : null;
    WorkflowStatus status =
        failedCompensations.isEmpty() ? WorkflowStatus.FAILED : WorkflowStatus.COMPENSATION_FAILED;
    try {
      DeadLetter letter = null;
      // A cancelled run is not dead-lettered (its canceller knows), unless a compensation failed.
      if (!(error instanceof dev.firebreak.runtime.RunCancelledException)
          || !failedCompensations.isEmpty()) {
        DeadLetterReason reason =
            failedCompensations.isEmpty()
                ? DeadLetterReason.of(error)
                : DeadLetterReason.COMPENSATION_FAILED;
        StepRun failedStep = f.step() >= 0 ? stepRuns.get(f.step()) : null;
        letter =
            new DeadLetter(
                runId,
                plan.workflow(),
                plan.plan.name(),
                reason,
                step,
                failedStep == null ? 0 : failedStep.attempts,
                DeadLetter.chainOf(error),
                engine.scheduler.now(),
                inputSnapshot);
      }
      engine.journal.failed(runId, status, letter);
      if (letter != null) {
        engine.events.deadLettered(letter);
      }
    } catch (RuntimeException e) {
      e.addSuppressed(error);
      close(null, elapsed, e);
      return;
    }
    close(
        new WorkflowResult<>(
            runId,
            plan.workflow(),
            status,
            null,
            List.copyOf(degraded),
            attempts(),
            step,
            error,
            List.copyOf(failedCompensations)),
        elapsed,
        null);
  }

  private static RuntimeException ownershipLost(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof dev.firebreak.runtime.RunOwnedElsewhereException) {
        return (RuntimeException) t;
      }
    }
    return null;
  }

  /** The time left before the run's deadline, if it has one (what {@link StepContext} shows). */
  Optional<Duration> remaining() {
    return deadline == null
        ? Optional.empty()
        : Optional.of(Duration.ofNanos(Math.max(0, deadlineAt - engine.scheduler.nanoTime())));
  }

  /** The run no longer counts against admission, and its id no longer attaches to it. */
  private void leaveFlight() {
    engine.runs.remove(runId, this);
    engine.inFlight.decrementAndGet();
  }

  private void close(WorkflowResult<Object> outcome, long elapsed, RuntimeException storeFailure) {
    leaveFlight();
    if (storeFailure != null) {
      engine.events.runFinished(
          runId, plan.workflow(), plan.plan.name(), WorkflowStatus.RUNNING, elapsed);
      result.completeExceptionally(
          new IllegalStateException(
              "run " + runId + " ended but its end could not be recorded", storeFailure));
      return;
    }
    engine.events.runFinished(runId, plan.workflow(), plan.plan.name(), outcome.status(), elapsed);
    result.complete(outcome);
  }

  /** The context a compensation sees: the step's own idempotency key, its own attempt count. */
  private final class Compensation implements StepContext {
    private final String step;
    private final int attempt;

    Compensation(String step, int attempt) {
      this.step = step;
      this.attempt = attempt;
    }

    @Override
    public String runId() {
      return runId;
    }

    @Override
    public String workflow() {
      return plan.workflow();
    }

    @Override
    public String stepName() {
      return step;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public Optional<Instant> deadline() {
      return Optional.ofNullable(deadline);
    }

    @Override
    public Optional<Duration> remaining() {
      return Run.this.remaining();
    }
  }

  private Map<String, Integer> attempts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < stepRuns.length(); i++) {
      StepRun sr = stepRuns.get(i);
      if (sr != null && sr.attempts > 0) {
        out.put(plan.steps[i].name(), sr.attempts);
      }
    }
    return out;
  }

  /** The run already finished in an earlier call (or process): its result, never a second run. */
  private void attachFinished(RunRecord record) {
    WorkflowStatus status = record.status();
    Object output = null;
    if (status.isSuccess() && record.output() != null && plan.outputCodec != null) {
      try {
        output = engine.journal.decode(plan.outputCodec, record.output());
      } catch (CorruptCheckpointException e) {
        leaveFlight();
        result.completeExceptionally(e);
        return;
      }
    } else if (status.isSuccess()) {
      int slot = plan.plan.outputSlot();
      int step = slot - plan.inputs;
      if (step < 0) {
        output = slots[slot];
      } else {
        StepDescriptor producer = plan.steps[step];
        byte[] bytes = producer.isCheckpointed() ? record.outputs().get(producer.name()) : null;
        if (bytes == null) {
          leaveFlight();
          result.completeExceptionally(
              new IllegalStateException(
                  "run '"
                      + runId
                      + "' already ended "
                      + status
                      + "; its output cannot be returned again: its"
                      + " type has no checkpoint codec and step '"
                      + producer.name()
                      + "' is not @Checkpointed"));
          return;
        }
        try {
          output = engine.journal.restore(producer, bytes);
        } catch (CorruptCheckpointException e) {
          leaveFlight();
          result.completeExceptionally(e);
          return;
        }
      }
    }
    leaveFlight();
    result.complete(
        new WorkflowResult<>(
            runId,
            plan.workflow(),
            status,
            output,
            List.of(),
            record.attempts(),
            null,
            null,
            List.of()));
  }

  // ---------------------------------------------------------------------------------------------
  // Parking, cancellation

  /** Parks {@code sr} on its open breaker; false if the breaker holds too many parked steps. */
  private boolean park(StepRun sr, Breaker breaker, long now) {
    Parked p = new Parked(this, sr, breaker);
    sr.parked = p;
    if (!breaker.park(p)) {
      sr.parked = null;
      return false;
    }
    String name = plan.steps[sr.index].name();
    if (parkedSteps.incrementAndGet() == 1) {
      saveStatusQuietly(WorkflowStatus.PARKED);
    }
    engine.events.parked(runId, plan.workflow(), name, breaker.name());
    if (deadline != null) {
      p.deadlineTimer = engine.scheduler.schedule(p::expire, deadlineAt - now);
    }
    // A failure or cancellation that raced the parking would not have seen this step.
    if (failure.get() != null && p.take()) {
      breaker.forget(p);
      unpark(p, null);
    }
    return true;
  }

  /** {@code p} leaves its breaker: to attempt again, or (with {@code error}) to fail. */
  void unpark(Parked p, Throwable error) {
    StepRun sr = p.step;
    sr.parked = null;
    if (parkedSteps.decrementAndGet() == 0 && failure.get() == null) {
      saveStatusQuietly(WorkflowStatus.RUNNING);
    }
    engine.events.unparked(runId, plan.workflow(), plan.steps[sr.index].name(), p.breaker.name());
    execute(() -> drive(error == null ? attempt(sr) : failedForGood(sr, error)));
  }

  Throwable deadlinePassed(StepRun sr) {
    return new DeadlineExceededException(
        plan.steps[sr.index].name(),
        sr.attempts,
        deadline,
        "passed while the step waited for its circuit breaker");
  }

  private void saveStatusQuietly(WorkflowStatus status) {
    try {
      engine.journal.statusChanged(runId, status);
    } catch (RuntimeException e) {
      // The run goes on; only a resume after a crash would miss this status.
      org.slf4j.LoggerFactory.getLogger(Run.class)
          .warn("run {}: status {} not recorded", RunIds.forLog(runId), status, e);
    }
  }

  /**
   * Cancels the run: no step starts or retries, running steps are interrupted (sync) or their
   * stages cancelled (async), parked steps leave their breakers; then completed steps are
   * compensated. Returns false if the run had already failed or ended.
   */
  boolean cancel() {
    if (!failure.compareAndSet(null, new Failure(-1, cancellation()))) {
      return false;
    }
    cancelled = true;
    releaseWaitingSteps(null);
    for (int i = 0; i < stepRuns.length(); i++) {
      StepRun sr = stepRuns.get(i);
      Object attempt = sr == null ? null : sr.inFlight;
      if (attempt instanceof TimeoutGuard) {
        ((TimeoutGuard) attempt).run();
      } else if (attempt instanceof AsyncAttempt) {
        ((AsyncAttempt) attempt).cancel();
      }
    }
    return true;
  }

  private Throwable cancellation() {
    return new dev.firebreak.runtime.RunCancelledException(runId);
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
        parkedSteps.decrementAndGet();
        finish(other);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void putMdc(StepDescriptor step) {
    if (engine.mdc) {
      MDC.put("firebreak.runId", runId);
      MDC.put("firebreak.workflow", plan.workflow());
      MDC.put("firebreak.step", step.name());
    }
  }

  private void clearMdc() {
    if (engine.mdc) {
      MDC.remove("firebreak.runId");
      MDC.remove("firebreak.workflow");
      MDC.remove("firebreak.step");
    }
  }
}
