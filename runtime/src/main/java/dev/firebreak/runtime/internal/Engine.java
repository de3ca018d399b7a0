package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.FirebreakListener;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.time.Scheduler;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every run of a runtime shares: threads, time, stores, breakers, admission. */
public final class Engine {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  final Executor executor;
  final Scheduler scheduler;
  final CheckpointStore store;
  final DeadLetterQueue deadLetters;
  final Events events;
  final int maxInFlightRuns;
  final boolean mdc;
  final int maxParkedPerBreaker;
  final Overrides overrides;
  final AtomicInteger inFlight = new AtomicInteger();
  final ConcurrentHashMap<String, Run> runs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();

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
    this.store = store;
    this.deadLetters = deadLetters;
    this.events = new Events(listeners);
    this.maxInFlightRuns = maxInFlightRuns;
    this.mdc = mdc;
    this.maxParkedPerBreaker = maxParkedPerBreaker;
    this.overrides = overrides;
  }

  public BoundEntryPoint bind(EntryPointPlan plan, List<StepBinding> bindings) {
    return new BoundPlan(this, overrides.apply(plan), bindings);
  }

  /**
   * The breaker named by {@code policy}, created on first use and shared from then on. Two
   * separately compiled workflows may configure one name differently (the processor only sees
   * one compilation): the first configuration wins and the conflict is logged.
   */
  Breaker breaker(CircuitBreakerPolicy policy) {
    Breaker b = breakers.computeIfAbsent(policy.name(), n -> new Breaker(policy, events, scheduler, maxParkedPerBreaker));
    if (!b.policy().equals(policy)) {
      log.warn(
          "circuit breaker '{}' is configured differently by two workflows; using {} and ignoring {}",
          policy.name(), b.policy(), policy);
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

  public java.util.Set<String> unusedOverrides() {
    return overrides.unused();
  }

  public int inFlightRuns() {
    return inFlight.get();
  }
}
