package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.FirebreakListener;
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
import java.util.HashSet;
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
    this.journal = new RunJournal(store, deadLetters);
    this.events = new Events(listeners);
    this.maxInFlightRuns = maxInFlightRuns;
    this.mdc = mdc;
    this.maxParkedPerBreaker = maxParkedPerBreaker;
    this.overrides = overrides;
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
   * {@link #resume} for every unfinished run of a workflow bound here, oldest first: the store
   * claims them in bulk (one write per few hundred runs), then each begins from its record.
   */
  public List<CompletableFuture<WorkflowResult<Object>>> resumeAll() {
    List<RunRecord> candidates = new ArrayList<>();
    for (RunRecord record : journal.unfinished()) {
      if (runs.containsKey(record.runId())) {
        continue;
      }
      if (!plans.containsKey(key(record.workflow(), record.entryPoint()))) {
        log.info(
            "run {} of {}.{} left for the runtime that binds it",
            RunIds.forLog(record.runId()),
            record.workflow(),
            record.entryPoint());
        continue;
      }
      candidates.add(record);
    }
    List<RunRecord> claimed = journal.claim(candidates);
    if (claimed.size() < candidates.size()) {
      Set<String> taken = new HashSet<>();
      claimed.forEach(r -> taken.add(r.runId()));
      for (RunRecord record : candidates) {
        if (!taken.contains(record.runId())) {
          log.info("run {} left to its owner, or ended meanwhile", RunIds.forLog(record.runId()));
        }
      }
    }
    List<CompletableFuture<WorkflowResult<Object>>> resumed = new ArrayList<>();
    for (RunRecord record : claimed) {
      try {
        resumed.add(plans.get(key(record.workflow(), record.entryPoint())).resumeClaimed(record));
      } catch (RuntimeException e) {
        log.error("run {} could not be resumed", RunIds.forLog(record.runId()), e);
        resumed.add(CompletableFuture.failedFuture(e));
      }
    }
    return resumed;
  }

  /**
   * The breaker named by {@code policy}, created on first use and shared from then on. Two
   * separately compiled workflows may configure one name differently (the processor only sees one
   * compilation): the first configuration wins and the conflict is logged.
   */
  Breaker breaker(CircuitBreakerPolicy policy) {
    Breaker b =
        breakers.computeIfAbsent(
            policy.name(), n -> new Breaker(policy, events, scheduler, maxParkedPerBreaker));
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

  /** How long the store leases a run to this process; null: no leases. */
  public Duration leaseDuration() {
    return journal.leaseDuration();
  }

  /** Extends this process's leases on the runs in flight here. */
  public void renewLeases() {
    journal.renewLeases(Set.copyOf(runs.keySet()));
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
  boolean admit() {
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
