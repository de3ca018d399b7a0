package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.FirebreakListener;
import dev.firebreak.runtime.RunHandedBackException;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every run of a runtime shares: threads, time, stores, breakers, admission. */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  final Executor executor;
  final Scheduler scheduler;
  final RunJournal journal;
  final Events events;
  final int maxInFlightRuns;
  final boolean mdc;
  final int maxParkedPerBreaker;
  final Overrides overrides;

  /** Whether a run stored under another graph hash may be resumed (steps matched by name). */
  volatile boolean resumeAcrossGraphChanges;

  /** This runtime as a node of its store; null when the store has no leases. */
  private volatile Node node;

  /** The store's breaker records this node's breakers follow; null if they are its own. */
  private volatile SharedBreakers sharedBreakers;

  /** The remote steps' calls and replies; null when no agent runs remote. */
  volatile RemoteCalls remoteCalls;

  /** Set by a graceful shutdown: no run is admitted any more. */
  private volatile boolean closing;

  final AtomicInteger inFlight = new AtomicInteger();
  final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, BoundPlan> plans = new ConcurrentHashMap<>();

  public Engine(
      Executor executor,
      Scheduler scheduler,
      CheckpointStore store,
      DeadLetterQueue deadLetters,
      List<FirebreakListener> listeners,
      int maxInFlightRuns,
      boolean mdc,
      int maxParkedPerBreaker,
      Overrides overrides) {
    this.executor = executor;
    this.scheduler = scheduler;
    this.journal = new RunJournal(store, deadLetters, scheduler);
    this.events = new Events(listeners);
    this.maxInFlightRuns = maxInFlightRuns;
    this.mdc = mdc;
    this.maxParkedPerBreaker = maxParkedPerBreaker;
    this.overrides = overrides;
  }

  /** Calls the steps of remote agents through {@code calls}; set before anything is bound. */
  public void callRemoteAgents(RemoteCalls calls) {
    this.remoteCalls = calls;
  }

  /** Stops listening for replies: the runs are over. */
  public void closeRemoteCalls() {
    if (remoteCalls != null) {
      remoteCalls.close();
    }
  }

  public BoundEntryPoint bind(EntryPointPlan plan, List<StepBinding> bindings) {
    BoundPlan bound = new BoundPlan(this, overrides.apply(plan), bindings);
    plans.put(key(plan.workflow(), plan.name()), bound);
    return bound;
  }

  private static String key(String workflow, String entryPoint) {
    return workflow + "#" + entryPoint;
  }

  /**
   * Continues the run {@code runId} from the store: its result if it ended, the run itself if it is
   * in flight, else a resume from its checkpoints. Its workflow must be bound on this runtime.
   */
  public CompletableFuture<WorkflowResult<Object>> resume(String runId) {
    Run running = runs.get(runId);
    if (running != null) {
      return running.result.copy();
    }
    RunRecord record = journal.find(runId);
    return boundPlanOf(record).resume(record);
  }

  /**
   * Replays a failed run from the dead-letter queue: its dead letter is removed, the steps without
   * output (and those compensated) get fresh attempts, and it resumes from its checkpoints.
   */
  public CompletableFuture<WorkflowResult<Object>> replay(String runId) {
    if (runs.containsKey(runId)) {
      throw new IllegalStateException(
          "run '" + runId + "' is in flight; only an ended, failed run can be replayed");
    }
    RunRecord record = journal.find(runId);
    if (!record.status().isFailure()) {
      throw new IllegalStateException(
          "run '"
              + runId
              + "' is "
              + record.status()
              + "; only a FAILED or COMPENSATION_FAILED run can be replayed");
    }
    BoundPlan plan = boundPlanOf(record);
    List<String> unfinished = new ArrayList<>();
    for (StepDescriptor step : plan.steps) {
      if (!record.outputs().containsKey(step.name())) {
        unfinished.add(step.name());
      }
    }
    // Only if the run is still as read: of two replays at once, one reopens it and the other is
    // refused.
    return plan.resume(journal.reopen(record, unfinished));
  }

  /** Runs {@code task} on the executor; on a shut-down executor, here, so that a run still ends. */
  void execute(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * The bound plan of {@code workflow}'s entry point {@code entryPoint}.
   *
   * @throws IllegalStateException if no orchestrator on this runtime bound it
   */
  BoundPlan boundPlan(String workflow, String entryPoint) {
    BoundPlan plan = plans.get(key(workflow, entryPoint));
    if (plan == null) {
      throw new IllegalStateException(
          workflow
              + "."
              + entryPoint
              + " is not bound on this runtime: create its orchestrator first (bound here: "
              + plans.keySet()
              + ")");
    }
    return plan;
  }

  /** The plan {@code record} was started by, which must be bound here. */
  private BoundPlan boundPlanOf(RunRecord record) {
    BoundPlan plan = plans.get(key(record.workflow(), record.entryPoint()));
    if (plan == null) {
      throw new IllegalStateException(
          "run '"
              + record.runId()
              + "' belongs to "
              + record.workflow()
              + "."
              + record.entryPoint()
              + ", which is not bound on this runtime: create its orchestrator first");
    }
    return plan;
  }

  /**
   * {@link #resume} for every run a gone node left (an earlier process with this node's pinned id
   * included: its runs were handed back when this node started), of the workflows bound here,
   * oldest first, within the free admission capacity: the store claims them in batches, then each
   * begins from its record. Runs of live nodes are neither read nor taken. What exceeds the
   * capacity is taken by later sweeps.
   */
  public List<CompletableFuture<WorkflowResult<Object>>> resumeAll() {
    List<CompletableFuture<WorkflowResult<Object>>> resumed = new ArrayList<>();
    while (true) {
      int room = Math.min(RESUME_BATCH, maxInFlightRuns - inFlight.get());
      if (room <= 0) {
        break;
      }
      List<CompletableFuture<WorkflowResult<Object>>> batch = takeOver(room);
      resumed.addAll(batch);
      if (batch.isEmpty()) {
        break;
      }
    }
    return resumed;
  }

  /** Runs claimed per write by {@link #resumeAll}. */
  private static final int RESUME_BATCH = 500;

  /**
   * Takes over up to {@code max} runs of gone nodes for the workflows bound here and starts each
   * from its record; returns their results. Runs already in flight here are not started twice.
   */
  List<CompletableFuture<WorkflowResult<Object>>> takeOver(int max) {
    Set<String> bound = Set.copyOf(plans.keySet());
    List<CompletableFuture<WorkflowResult<Object>>> started = new ArrayList<>();
    if (bound.isEmpty() || closing) {
      return started;
    }
    long epoch = nodeEpoch();
    for (RunRecord record : journal.takeOver(bound, max)) {
      if (runs.containsKey(record.runId())) {
        continue;
      }
      try {
        started.add(
            plans.get(key(record.workflow(), record.entryPoint())).resumeClaimed(record, epoch));
        log.info("run {} taken over by node {}", RunIds.forLog(record.runId()), nodeId());
      } catch (RuntimeException e) {
        log.error("run {} could not be resumed", RunIds.forLog(record.runId()), e);
        started.add(CompletableFuture.failedFuture(e));
      }
    }
    return started;
  }

  /**
   * The breaker named by {@code policy}, created on first use and shared from then on. Two
   * separately compiled workflows may configure one name differently (the processor only sees one
   * compilation): the first configuration wins and the conflict is logged.
   */
  /** Calls {@code call} through the breaker {@code policy} names, as a step's attempt would. */
  public <T> T callThroughBreaker(
      CircuitBreakerPolicy policy, java.util.concurrent.Callable<T> call) throws Exception {
    return BreakerCalls.call(breaker(policy), scheduler, call);
  }

  Breaker breaker(CircuitBreakerPolicy policy) {
    Breaker b =
        breakers.computeIfAbsent(
            policy.name(), n -> new Breaker(policy, events, scheduler, maxParkedPerBreaker));
    SharedBreakers shared = sharedBreakers;
    if (shared != null) {
      shared.track(b);
    }
    if (!b.policy().equals(policy)) {
      log.warn(
          "circuit breaker '{}' is configured differently by two workflows; using {} and ignoring {}",
          policy.name(),
          b.policy(),
          policy);
    }
    return b;
  }

  public Optional<CircuitBreakerState> breakerState(String name) {
    Breaker b = breakers.get(name);
    return b == null ? Optional.empty() : Optional.of(b.state());
  }

  /** Every breaker of this runtime by name, with its state now. */
  public java.util.SortedMap<String, CircuitBreakerState> breakerStates() {
    java.util.TreeMap<String, CircuitBreakerState> states = new java.util.TreeMap<>();
    breakers.forEach((name, b) -> states.put(name, b.state()));
    return states;
  }

  /**
   * Forces breaker {@code name} OPEN or CLOSED ({@link Breaker#forceOpen}, {@link
   * Breaker#forceClosed}); false if this runtime has no such breaker.
   */
  public boolean forceBreaker(String name, CircuitBreakerState to) {
    Breaker b = breakers.get(name);
    if (b == null) {
      return false;
    }
    switch (to) {
      case OPEN -> b.forceOpen(scheduler.nanoTime());
      case CLOSED -> b.forceClosed();
      default -> throw new IllegalArgumentException("a breaker is forced OPEN or CLOSED: " + to);
    }
    return true;
  }

  /** Cancels the run {@code runId} if it is in flight here; returns whether it was. */
  public boolean cancel(String runId) {
    Run run = runs.get(runId);
    return run != null && run.cancel();
  }

  public int parkedRuns(String breaker) {
    Breaker b = breakers.get(breaker);
    return b == null ? 0 : b.parkedCount();
  }

  public Set<String> unusedOverrides() {
    return overrides.unused();
  }

  /** Deletes runs that ended before {@code before}, with their checkpoints; returns how many. */
  public int purgeFinished(Instant before) {
    return journal.purgeFinished(before);
  }

  /**
   * Starts this runtime's life as a node of its store: one heartbeat now, then one every third of
   * the lease, each followed by a sweep for the runs of gone nodes. Nothing for a store without
   * leases.
   */
  public void joinCluster() {
    Duration lease = journal.leaseDuration();
    if (lease != null) {
      node = new Node(this, journal.nodeId(), lease);
      node.start();
    }
  }

  /**
   * Makes every breaker of this runtime follow the records of {@code board}, shared with the other
   * nodes on the store; before any workflow is bound.
   */
  public void shareBreakers(BreakerBoard board) {
    String id = nodeId();
    sharedBreakers =
        new SharedBreakers(
            board, scheduler, id != null ? id : "node-" + java.util.UUID.randomUUID());
  }

  /** Waits until the shared breakers' store calls handed over so far are done (for tests). */
  public void awaitSharedBreakers() {
    SharedBreakers shared = sharedBreakers;
    if (shared != null) {
      shared.awaitIdle();
    }
  }

  /** This node's id in the store; null for a store without leases. */
  public String nodeId() {
    return node == null ? null : node.id();
  }

  /**
   * Whether step {@code sr} of {@code run} may start now (this node's lease is trusted); if not, it
   * is attempted again once a heartbeat has confirmed the run.
   */
  boolean mayStart(Run run, StepRun sr, long now) {
    Node n = node;
    return n == null || n.mayStart(run, sr, now);
  }

  /**
   * Whether {@code run} is still this node's, before its failure is compensated and dead-lettered:
   * at once while the lease is trusted and the run confirmed since the last lapse, else asked of
   * the store (waiting for it if it is away).
   */
  boolean stillOwns(Run run) {
    Node n = node;
    return n == null || n.stillOwns(run);
  }

  /**
   * How many times this node has found its lease lapsed: a run notes it before its store write
   * makes it this node's, and a step starts only for a run confirmed since the last lapse.
   */
  long nodeEpoch() {
    Node n = node;
    return n == null ? 0 : n.epoch();
  }

  /** Graceful shutdown, first part: no new run is admitted and no gone node's run taken over. */
  public void stopAdmitting() {
    closing = true;
    Node n = node;
    if (n != null) {
      n.stopSweeping();
    }
  }

  /**
   * Graceful shutdown, last part: the runs still in flight stop here, writing nothing more, and the
   * store hands them (and every other unfinished run of this node) back for another node to take
   * over at once; then the heartbeat stops.
   */
  public void leave() {
    for (Run run : List.copyOf(runs.values())) {
      run.lose(new RunHandedBackException(run.runId, nodeId()));
    }
    SharedBreakers shared = sharedBreakers;
    if (shared != null) {
      shared.close();
    }
    Node n = node;
    if (n != null) {
      n.stop();
      try {
        journal.leave();
      } catch (RuntimeException e) {
        log.warn(
            "node {} could not hand its runs back; they are taken over once its lease ends",
            n.id(),
            e);
      }
    }
  }

  /** Results of the runs in flight now. */
  public List<CompletableFuture<WorkflowResult<Object>>> inFlightResults() {
    List<CompletableFuture<WorkflowResult<Object>>> out = new ArrayList<>();
    for (Run run : runs.values()) {
      out.add(run.result);
    }
    return out;
  }

  public void resumeAcrossGraphChanges(boolean allowed) {
    this.resumeAcrossGraphChanges = allowed;
  }

  public int inFlightRuns() {
    return inFlight.get();
  }

  /**
   * Counts one more run in flight unless that would pass the limit. The count never goes above the
   * limit, even for an instant, so {@link #inFlightRuns} is a true gauge.
   */
  /** Whether this runtime is shutting down: it admits no new run. */
  boolean closing() {
    return closing;
  }

  /**
   * Admits a run this node has already claimed in the store (a takeover, a resume at start): it
   * counts as in flight whatever the limit, since refusing it now would leave it owned here and run
   * by no one. The sweep claims only as many as there was room for, so the limit is passed only
   * when a caller took that room between the claim and this.
   */
  void admitClaimed() {
    inFlight.incrementAndGet();
  }

  boolean admit() {
    if (closing) {
      throw new IllegalStateException("this runtime is shutting down: it admits no new run");
    }
    int n;
    do {
      n = inFlight.get();
      if (n >= maxInFlightRuns) {
        return false;
      }
    } while (!inFlight.compareAndSet(n, n + 1));
    return true;
  }
}
