package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.GraphMismatchException;
import dev.firebreak.runtime.OverloadedException;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowFailedException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.DeclaringMethod;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * One entry point's plan bound to its agents: the graph turned into arrays the runs index into
 * (successors, prerequisite counts, roots), built once at bind time.
 */
final class BoundPlan implements BoundEntryPoint {
  final Engine engine;
  final EntryPointPlan plan;
  final StepDescriptor[] steps;
  final StepBinding[] bindings;

  /** Per step: its compensation over the bus, if its agent is remote; else null. */
  final RemoteCalls.Undo[] remoteUndo;

  /** Per step: its fallback over the bus, if its agent is remote; else null. */
  final RemoteCalls.FallBack[] remoteFallBack;

  final Breaker[] breakers;
  final int[][] successors;
  final int[] prerequisites;
  final int[] roots;
  final int inputs;

  /** The run's slot layout: where each input goes, where each step writes, and how many slots. */
  final int[] inputSlots;

  final int[] stepSlots;
  final int slotCount;

  /** Per slot: the step that writes it, or -1 for an input's slot. */
  final int[] producerOf;

  final long[] timeoutNanos;
  final long deadlineNanos;

  /** Per step: what messages show after its name, " (Invoice.OcrAgent#extract)" or "". */
  final String[] declaredByNotes;

  /**
   * Per step: whether meeting an open breaker parks the run instead of failing it. Only a critical
   * step without fallback parks (the others degrade), and only in a run with checkpoints, whose
   * finished work a long wait cannot lose.
   */
  final boolean[] parksOnOpenCircuit;

  /**
   * Per step: whether each attempt is recorded before it starts (retried steps, durable stores).
   */
  final boolean[] recordsAttempts;

  /** Encodes the inputs for the store, or null when they cannot be (or need not be) stored. */
  private final CheckpointCodec<Object[]> inputCodec;

  /** Encodes the output for the store, or null. */
  final CheckpointCodec<Object> outputCodec;

  /**
   * Told of each run of this entry point that ends on this node, however it began (a call, a bus
   * request, a resume, a takeover), on the thread that ends it; empty unless an intake is bound.
   */
  private final List<BiConsumer<String, WorkflowResult<Object>>> endListeners =
      new CopyOnWriteArrayList<>();

  @SuppressWarnings("unchecked")
  BoundPlan(Engine engine, EntryPointPlan plan, List<StepBinding> bindings) {
    this.engine = engine;
    this.plan = plan;
    int n = plan.steps().size();
    if (bindings.size() != n) {
      throw new IllegalArgumentException(
          plan.name() + " has " + n + " steps but " + bindings.size() + " bindings");
    }
    this.steps = plan.steps().toArray(new StepDescriptor[0]);
    this.bindings = bindings.toArray(new StepBinding[0]);
    this.inputs = plan.inputs().size();
    this.slotCount = plan.slotCount();
    this.inputSlots = new int[inputs];
    for (int k = 0; k < inputs; k++) {
      inputSlots[k] = plan.inputSlot(k);
    }
    this.stepSlots = new int[n];
    this.producerOf = new int[slotCount];
    Arrays.fill(producerOf, -1);
    for (int i = 0; i < n; i++) {
      stepSlots[i] = plan.slotOf(i);
      producerOf[stepSlots[i]] = i;
    }
    this.remoteUndo = new RemoteCalls.Undo[n];
    this.remoteFallBack = new RemoteCalls.FallBack[n];
    this.breakers = new Breaker[n];
    this.timeoutNanos = new long[n];
    this.declaredByNotes = new String[n];
    this.prerequisites = new int[n];
    List<List<Integer>> next = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      next.add(new ArrayList<>());
    }
    List<Integer> rootList = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StepDescriptor step = steps[i];
      StepBinding binding = this.bindings[i];
      RemoteCalls remote = engine.remoteCalls;
      if (binding.remotable() != null
          && remote != null
          && remote.isRemote(binding.remotable().agent())) {
        binding = binding.overBus(remote.call(binding.remotable(), step, step.timeout().toNanos()));
        this.bindings[i] = binding;
        if (binding.compensationCall() != null) {
          remoteUndo[i] = remote.compensation(binding.remotable(), step, step.timeout().toNanos());
        }
        if (binding.fallbackCall() != null) {
          remoteFallBack[i] = remote.fallback(binding.remotable(), step, step.timeout().toNanos());
        }
      } else if (step.isAsync() != (binding.asyncCall() != null)) {
        throw new IllegalArgumentException(
            "step " + step.name() + ": binding and descriptor disagree on async");
      }
      if (step.hasFallback() != (binding.fallbackCall() != null)
          || step.isCompensated() != (binding.compensationCall() != null)) {
        throw new IllegalArgumentException(
            "step " + step.name() + ": binding and descriptor disagree on policies");
      }
      breakers[i] = step.circuitBreaker() == null ? null : engine.breaker(step.circuitBreaker());
      timeoutNanos[i] = step.timeout().toNanos();
      declaredByNotes[i] = DeclaringMethod.inParentheses(step.declaredBy());
      // Each distinct earlier step this one waits for, through an input or an `after` edge.
      BitSet waitsFor = new BitSet(n);
      for (int slot : step.inputSlots()) {
        if (producerOf[slot] >= 0) {
          waitsFor.set(producerOf[slot]);
        }
      }
      for (int after : step.afterSteps()) {
        waitsFor.set(after);
      }
      prerequisites[i] = waitsFor.cardinality();
      for (int p = waitsFor.nextSetBit(0); p >= 0; p = waitsFor.nextSetBit(p + 1)) {
        next.get(p).add(i);
      }
      if (prerequisites[i] == 0) {
        rootList.add(i);
      }
    }
    this.successors = new int[n][];
    for (int i = 0; i < n; i++) {
      successors[i] = next.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
    this.roots = rootList.stream().mapToInt(Integer::intValue).toArray();
    this.deadlineNanos = plan.deadline() == null ? 0 : plan.deadline().toNanos();
    boolean checkpointed = false;
    for (StepDescriptor step : steps) {
      checkpointed |= step.isCheckpointed();
    }
    this.inputCodec =
        plan.storesInputs() && engine.journal.isDurable() ? Codecs.tuple(plan.inputCodecs()) : null;
    this.outputCodec =
        engine.journal.isDurable() ? (CheckpointCodec<Object>) plan.outputCodec() : null;
    this.recordsAttempts = new boolean[n];
    for (int i = 0; i < n; i++) {
      recordsAttempts[i] = engine.journal.isDurable() && steps[i].retry().maxAttempts() > 1;
    }
    this.parksOnOpenCircuit = new boolean[n];
    for (int i = 0; i < n; i++) {
      parksOnOpenCircuit[i] =
          checkpointed && breakers[i] != null && steps[i].isCritical() && !steps[i].hasFallback();
    }
  }

  String workflow() {
    return plan.workflow();
  }

  String entryPoint() {
    return plan.name();
  }

  /**
   * The inputs of a bus request: a JSON array holding each input in its codec's JSON.
   *
   * @throws IllegalArgumentException if {@code json} does not hold them
   * @throws IllegalStateException if the entry point has inputs without codecs
   */
  Object[] inputsFromJson(byte[] json) {
    requireInputCodecs();
    return Codecs.fromJson(Codecs.tuple(plan.inputCodecs()), json);
  }

  /**
   * @throws IllegalStateException if an input has no codec (a type the processor cannot encode), so
   *     that no request could be read
   */
  void requireInputCodecs() {
    if (!plan.storesInputs()) {
      throw new IllegalStateException(
          plan.workflow()
              + "."
              + plan.name()
              + " has inputs without codecs, so it cannot read requests from a bus");
    }
  }

  /** Adds a listener told of every run of this entry point that ends on this node. */
  void addEndListener(BiConsumer<String, WorkflowResult<Object>> listener) {
    endListeners.add(listener);
  }

  void removeEndListener(BiConsumer<String, WorkflowResult<Object>> listener) {
    endListeners.remove(listener);
  }

  /** {@code runId} ended here with {@code result} (or was found ended in the store). */
  void ended(String runId, WorkflowResult<Object> result) {
    for (BiConsumer<String, WorkflowResult<Object>> listener : endListeners) {
      try {
        listener.accept(runId, result);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger("dev.firebreak.runtime")
            .error("run {}: a listener of its end failed", RunIds.forLog(runId), e);
      }
    }
  }

  /** Starts (or attaches to) the run a bus request names; opening it happens on the executor. */
  Run startFromBus(String runId, Object[] inputs) {
    return start(runId, inputs, Start.ASYNC, null);
  }

  /** A run's output as JSON for the bus; null when the entry point has no output codec. */
  @SuppressWarnings("unchecked")
  byte[] outputJson(Object output) {
    CheckpointCodec<Object> codec = (CheckpointCodec<Object>) plan.outputCodec();
    return codec == null || output == null ? null : Codecs.toJson(codec, output);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T run(String runId, Object... inputs) {
    WorkflowResult<Object> result = join(start(runId, inputs, Start.INLINE, null));
    if (!result.status().isSuccess()) {
      throw new WorkflowFailedException(result);
    }
    return (T) result.output();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> WorkflowResult<T> runForResult(String runId, Object... inputs) {
    return (WorkflowResult<T>) (WorkflowResult<?>) join(start(runId, inputs, Start.INLINE, null));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletionStage<T> runAsync(String runId, Object... inputs) {
    Run run;
    try {
      run = start(runId, inputs, Start.ASYNC, null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return run.result.thenApply(
        r -> {
          if (!r.status().isSuccess()) {
            throw new WorkflowFailedException(r);
          }
          return (T) r.output();
        });
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletionStage<WorkflowResult<T>> runAsyncForResult(String runId, Object... inputs) {
    try {
      return (CompletionStage<WorkflowResult<T>>)
          (CompletionStage<?>) start(runId, inputs, Start.ASYNC, null).result.copy();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Continues the stored run {@code record} (left RUNNING or PARKED by an earlier process) from its
   * checkpoints, with the inputs it was started with.
   */
  CompletableFuture<WorkflowResult<Object>> resume(RunRecord record) {
    return start(record.runId(), storedInputs(record), Start.HANDED_OFF, null).result;
  }

  /**
   * {@link #resume} for a run this process has already claimed in the store ({@link
   * CheckpointStore#claim}): {@code record} is as stored, and nothing more is written to begin it.
   */
  CompletableFuture<WorkflowResult<Object>> resumeClaimed(RunRecord record, long epoch) {
    return start(record.runId(), storedInputs(record), Start.HANDED_OFF, record, epoch).result;
  }

  private Object[] storedInputs(RunRecord record) {
    if (record.inputs() == null) {
      throw new IllegalStateException(
          "run '"
              + record.runId()
              + "' cannot be resumed from the store: the inputs of "
              + plan.workflow()
              + "."
              + plan.name()
              + " are not stored (not encodable, or the store is not durable); call the entry point"
              + " again with its @RunId to resume it");
    }
    return engine.journal.inputsOf(record, Codecs.tuple(plan.inputCodecs()));
  }

  /** The run's result; a failure to produce one is rethrown as itself, not wrapped. */
  private static WorkflowResult<Object> join(Run run) {
    try {
      return run.result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw e;
    }
  }

  /** Where a new run's first work happens. */
  private enum Start {
    /** The caller waits for the result anyway: it opens the run and runs the first step. */
    INLINE,
    /**
     * The caller does not wait for the run, so it does not wait for the store either: opening the
     * run is its first piece of work on the executor, where concurrent opens share a commit.
     */
    ASYNC,
    /** The caller opens the run (and sees a refusal at once); the steps run on the executor. */
    HANDED_OFF
  }

  /**
   * Starts a run, or attaches to the run that already has {@code runId}: in flight here, it is that
   * run; finished or interrupted in the store, it is its record. A failure to open the run is
   * thrown here, except for {@link Start#ASYNC}, where it completes the run's result.
   *
   * @param claimed the run as stored, if this process has claimed it already; else it is opened
   */
  private Run start(String runId, Object[] values, Start mode, RunRecord claimed) {
    return start(runId, values, mode, claimed, -1);
  }

  /**
   * @param claimedEpoch the node's epoch read before {@code claimed} was claimed; -1 when the run
   *     is opened here (its epoch is read before the open)
   */
  private Run start(
      String runId, Object[] values, Start mode, RunRecord claimed, long claimedEpoch) {
    if (values.length != inputs) {
      throw new IllegalArgumentException(
          plan.name() + " takes " + inputs + " inputs, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        throw new NullPointerException(
            "input " + i + " (" + plan.inputs().get(i) + ") of " + plan.name() + " is null");
      }
    }
    String id = runId != null ? RunIds.check(runId) : newRunId();
    Run attached = engine.runs.get(id);
    if (attached != null) {
      return attached.attach(this);
    }
    if (claimed != null) {
      engine.admitClaimed();
    } else if (!engine.admit()) {
      throw new OverloadedException(engine.maxInFlightRuns);
    }
    Run run = new Run(this, id, values);
    if (claimed != null) {
      run.epoch = claimedEpoch;
    }
    Run raced = engine.runs.putIfAbsent(id, run);
    if (raced != null) {
      engine.inFlight.decrementAndGet();
      return raced.attach(this);
    }
    if (mode == Start.ASYNC && engine.journal.isDurable()) {
      engine.execute(() -> openAndBegin(run, values));
    } else {
      RunRecord record = open(run, values, claimed);
      if (record != null) {
        run.begin(record, mode == Start.INLINE);
      }
    }
    return run;
  }

  /**
   * The run's id is held by another node, alive as far as the store can tell: this caller waits for
   * that node to end the run (then gets its result) or to be gone (then takes the run over), asking
   * again every heartbeat interval, or sooner when the owner's lease ends.
   */
  private void openLater(Run run, Object[] values, RunOwnedElsewhereException owned) {
    long interval = engine.journal.leaseDuration().toNanos() / 3;
    long untilLeaseEnds =
        java.time.Duration.between(engine.scheduler.now(), owned.leaseUntil()).toNanos();
    long delay = Math.max(1_000_000L, Math.min(interval, untilLeaseEnds + 1_000_000L));
    engine.scheduler.schedule(() -> engine.execute(() -> openAndBegin(run, values)), delay);
  }

  /** Opens {@code run} on this thread and runs its first step here; a failure is its result. */
  private void openAndBegin(Run run, Object[] values) {
    RunRecord record;
    try {
      record = open(run, values, null);
    } catch (RuntimeException e) {
      return; // already the run's result, which is what the caller holds
    }
    if (record != null) {
      run.begin(record, true);
    }
  }

  /**
   * Records {@code run} in the store (or finds it there); if that fails, the run is gone again and
   * the failure is its result (for callers that attached meanwhile) and thrown. Null if another
   * node holds the run: then it is opened again later ({@link #openLater}).
   */
  private RunRecord open(Run run, Object[] values, RunRecord claimed) {
    String id = run.runId;
    RunRecord record = claimed;
    try {
      if (record == null) {
        try {
          // Read before the write that makes the run this node's: a lapse after it is confirmed.
          run.epoch = engine.nodeEpoch();
          record = engine.journal.open(plan, id, inputCodec, values);
        } catch (RunOwnedElsewhereException owned) {
          if (engine.journal.leaseDuration() == null) {
            throw owned;
          }
          run.stored.complete(null); // the run is the other node's, in the store
          openLater(run, values, owned);
          return null;
        }
      }
      if (!record.entryPoint().equals(plan.name()) || !record.workflow().equals(plan.workflow())) {
        throw new IllegalStateException(
            "run id '"
                + id
                + "' is used by a run of "
                + record.workflow()
                + "."
                + record.entryPoint()
                + "; it cannot also be a run of "
                + plan.workflow()
                + "."
                + plan.name());
      }
      if (!record.graphHash().equals(plan.graphHash()) && !engine.resumeAcrossGraphChanges) {
        throw new GraphMismatchException(id, plan.workflow(), record.graphHash(), plan.graphHash());
      }
    } catch (RuntimeException e) {
      engine.runs.remove(id, run);
      engine.inFlight.decrementAndGet();
      run.stored.completeExceptionally(e);
      run.result.completeExceptionally(e);
      throw e;
    }
    run.inputSnapshot = record.inputs();
    run.opened = true;
    run.stored.complete(null);
    return record;
  }

  /**
   * A time-ordered (version 7) UUID: the millisecond clock in the high 48 bits, then random bits
   * from the thread's generator. Ids made one after the other sort together, so a store's index
   * grows at its end rather than touching a random page per new run (random ids make each commit
   * write several times the pages); and no SecureRandom, which would dominate a short run.
   */
  private static String newRunId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = (System.currentTimeMillis() << 16) | 0x7000L | (r.nextInt() & 0x0FFFL);
    long lo = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
    return new UUID(hi, lo).toString();
  }
}
