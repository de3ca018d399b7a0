package dev.firebreak.runtime;

import dev.firebreak.runtime.bus.Intake;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.GeneratedCode;
import dev.firebreak.runtime.graph.WorkflowGraph;
import dev.firebreak.runtime.internal.BusIntake;
import dev.firebreak.runtime.internal.Engine;
import dev.firebreak.runtime.internal.LibraryVersions;
import dev.firebreak.runtime.internal.Overrides;
import dev.firebreak.runtime.internal.RemoteCalls;
import dev.firebreak.runtime.remote.RemoteTopics;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.store.InMemoryDeadLetterQueue;
import dev.firebreak.runtime.store.Leases;
import dev.firebreak.runtime.store.SqliteStore;
import dev.firebreak.runtime.time.Scheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * Runs generated orchestrators. One runtime per process is the rule: circuit breakers are shared by
 * name across every workflow bound to it, and admission ({@link Builder#maxInFlightRuns}) is
 * counted across all of them.
 *
 * <pre>{@code
 * FirebreakRuntime runtime = FirebreakRuntime.builder().build();
 * InvoiceWorkflow workflow = FirebreakInvoiceWorkflow.builder()
 *     .ocrAgent(ocr).validationAgent(validation).matchingAgent(matching).accountingAgent(accounting)
 *     .runtime(runtime)
 *     .build();
 * }</pre>
 */
public final class FirebreakRuntime implements AutoCloseable {
  /** Admission limit when none is set: enough for bursts, far below what exhausts a heap. */
  public static final int DEFAULT_MAX_IN_FLIGHT_RUNS = 10_000;

  /** The SQLite file used when no store is configured, relative to the working directory. */
  public static final String DEFAULT_SQLITE_FILE = "firebreak.db";

  /** Runs parked on one open circuit breaker at most, when none is set. */
  public static final int DEFAULT_MAX_PARKED_PER_BREAKER = 1_000;

  /** How long a closing runtime lets its runs in flight finish, unless configured. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(10);

  /** How long a closing runtime waits, after its runs, for their outcomes to reach the bus. */
  static final Duration OUTCOMES_GRACE_PERIOD = Duration.ofSeconds(5);

  /** Worker threads of the default pool on Java 17–20 (virtual threads are used from Java 21). */
  public static final int DEFAULT_POOL_THREADS = 64;

  private final Engine engine;
  private final CheckpointStore store;
  private final DeadLetterQueue deadLetters;
  private final Scheduler scheduler;
  private final OwnedResources owned;
  private volatile boolean closed;
  private final List<BusIntake> intakes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Executor executor;
  private final Duration shutdownGracePeriod;
  private final Thread hook;
  private final Runs runs;

  private FirebreakRuntime(
      Builder b,
      OwnedResources owned,
      CheckpointStore store,
      Scheduler scheduler,
      Executor executor) {
    this.store = store;
    this.deadLetters =
        b.deadLetters != null
            ? b.deadLetters
            : store.deadLetterQueue().orElseGet(InMemoryDeadLetterQueue::new);
    this.runs = new Runs(store, this.deadLetters);
    this.scheduler = scheduler;
    this.owned = owned;
    this.executor = executor;
    this.engine =
        new Engine(
            executor,
            scheduler,
            store,
            deadLetters,
            List.copyOf(b.listeners),
            b.maxInFlightRuns,
            b.mdc,
            b.maxParkedPerBreaker,
            new Overrides(b.overrides));
    engine.resumeAcrossGraphChanges(b.resumeAcrossGraphChanges);
    if (b.retention != null) {
      Duration retention = b.retention;
      every(
          Duration.ofMinutes(1),
          "purging finished runs",
          () -> engine.purgeFinished(this.scheduler.now().minus(retention)));
    }
    this.shutdownGracePeriod = b.shutdownGracePeriod;
    RemoteCalls calls = null;
    try {
      if (b.remoteTransport != null) {
        calls = new RemoteCalls(b.remoteTransport, b.remoteTopics, b.remoteAgents, scheduler);
        engine.callRemoteAgents(calls);
      }
      engine.joinCluster();
      if (b.sharedBreakers) {
        engine.shareBreakers(store.breakerBoard().orElseThrow());
      }
    } catch (RuntimeException | Error e) {
      if (calls != null) {
        calls.close(); // the replies listener; the caller closes what else was opened
      }
      throw e;
    }
    if (b.shutdownHook) {
      hook = new Thread(this::close, "firebreak-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
    } else {
      hook = null;
    }
  }

  /**
   * Opens what the builder left to the runtime (store, timer, pool), the store first: it is what
   * fails on a bad file. If anything fails, what was already started is closed again before the
   * failure is thrown, so a failed build leaves no thread behind.
   */
  private static FirebreakRuntime create(Builder b) {
    if (b.store != null && b.nodeId != null && !b.nodeId.equals(b.store.nodeId())) {
      throw new IllegalArgumentException(
          "nodeId(\""
              + b.nodeId
              + "\") applies to the default store only; pin the id on the store you give, e.g."
              + " PostgresStore.open(dataSource, owner, lease, clock)");
    }
    LibraryVersions.requireJackson();
    OwnedResources owned = new OwnedResources();
    try {
      CheckpointStore store = owned.storeOr(b.store, b.sqliteFile, b.nodeId);
      if (b.sharedBreakers && store.breakerBoard().isEmpty()) {
        throw new IllegalArgumentException(
            "sharedBreakers(true): "
                + store.getClass().getSimpleName()
                + " keeps no shared breaker records; use SqliteStore, PostgresStore or RedisStore");
      }
      Scheduler scheduler = owned.schedulerOr(b.scheduler);
      Executor executor = owned.executorOr(b.executor);
      return new FirebreakRuntime(b, owned, store, scheduler, executor);
    } catch (RuntimeException | Error e) {
      owned.close();
      throw e;
    }
  }

  /**
   * Runs {@code task} every {@code period} on the executor. The timer only hands it over: store
   * work on the timer thread would delay timeouts.
   */
  private void every(Duration period, String what, Runnable task) {
    scheduler.schedule(
        () -> {
          if (closed) {
            return;
          }
          executor.execute(
              () -> {
                try {
                  task.run();
                } catch (RuntimeException e) {
                  LoggerFactory.getLogger(FirebreakRuntime.class).warn("{} failed", what, e);
                }
                every(period, what, task);
              });
        },
        period);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds an entry point's plan to the calls into its agents. Generated orchestrators call this
   * from their constructor; user code has no reason to.
   */
  public BoundEntryPoint bind(EntryPointPlan plan, List<StepBinding> bindings) {
    return engine.bind(Objects.requireNonNull(plan, "plan"), List.copyOf(bindings));
  }

  /**
   * Binds the plan of {@code graph}'s entry point {@code entryPoint}, once {@link GeneratedCode}
   * confirms this runtime runs the code the graph was generated with. Generated orchestrators call
   * this from their constructor.
   *
   * @throws IllegalStateException naming the processor release and this runtime's, if the graph was
   *     generated in a format this runtime does not run
   */
  public BoundEntryPoint bind(WorkflowGraph graph, String entryPoint, List<StepBinding> bindings) {
    GeneratedCode.check(graph);
    return bind(graph.entryPoint(entryPoint), bindings);
  }

  /**
   * Binds entry point {@code entryPoint} of {@code workflow} (the {@code @Workflow} interface's
   * qualified name), whose orchestrator is already created on this runtime, to the requests of
   * {@code topics} on {@code transport}; see {@link Intake}. {@link #close} closes it first, so the
   * requests not yet started go to the other nodes, and publishes the outcomes of the runs that end
   * within the grace period before it returns (waiting up to 5 s for the bus to take them): close
   * the runtime before the transport.
   *
   * @throws IllegalStateException if the entry point is not bound here, or an input has no codec
   */
  public Intake intake(
      Transport transport, String workflow, String entryPoint, IntakeTopics topics) {
    BusIntake intake =
        BusIntake.start(
            engine,
            Objects.requireNonNull(workflow, "workflow"),
            Objects.requireNonNull(entryPoint, "entryPoint"),
            Objects.requireNonNull(transport, "transport"),
            Objects.requireNonNull(topics, "topics"),
            deadLetters);
    intakes.add(intake);
    return intake;
  }

  /** The state of the circuit breaker {@code name}, or empty if no bound step uses it. */
  public Optional<CircuitBreakerState> circuitBreakerState(String name) {
    return engine.breakerState(name);
  }

  /** Every circuit breaker a bound step uses, by name, with its state now. */
  public SortedMap<String, CircuitBreakerState> circuitBreakers() {
    return engine.breakerStates();
  }

  /**
   * Every node's circuit breakers, this node's as they are now and the others' as they last
   * reported them to the store with their heartbeats (see {@link NodeBreakers}); with a store that
   * keeps no values ({@link CheckpointStore#keyValues}) or no leases, this node alone.
   */
  public java.util.List<NodeBreakers> breakersByNode() {
    return dev.firebreak.runtime.internal.BreakerReports.byNode(
        nodeId() == null ? Optional.empty() : checkpointStore().keyValues(),
        nodeId() == null ? "this process" : nodeId(),
        scheduler().now(),
        circuitBreakers());
  }

  /**
   * Calls {@code call} through the circuit breaker {@code policy} names: the runtime's breaker of
   * that name, which steps naming it share, with its events and metrics (and its state across nodes
   * with {@link Builder#sharedBreakers}). While it is open the call fails fast with {@link
   * CircuitOpenException}; its outcome counts as a step's attempt would ({@code failOn}, {@code
   * skipOn}). For calls a step makes to several services of its own, such as a backup model.
   */
  public <T> T callThroughBreaker(CircuitBreakerPolicy policy, Callable<T> call) throws Exception {
    return engine.callThroughBreaker(policy, call);
  }

  /**
   * Opens the circuit breaker {@code name} now, as its failures would: calls fail fast for its
   * {@code openFor}, then half-open trials decide. For an operator who knows the service behind it
   * is down. With {@linkplain Builder#sharedBreakers shared breakers} it opens on every node.
   *
   * @return false if no bound step uses the breaker
   */
  public boolean forceOpen(String breaker) {
    return engine.forceBreaker(breaker, CircuitBreakerState.OPEN);
  }

  /**
   * Closes the circuit breaker {@code name} now, its failure counts cleared; the runs parked on it
   * resume. With {@linkplain Builder#sharedBreakers shared breakers} it closes on every node.
   *
   * @return false if no bound step uses the breaker
   */
  public boolean forceClosed(String breaker) {
    return engine.forceBreaker(breaker, CircuitBreakerState.CLOSED);
  }

  /**
   * Cancels the run {@code runId} if it is in flight on this runtime: running steps are interrupted
   * (sync) or their stages cancelled (async), no retry or new step starts, and completed
   * {@code @Compensate} steps are compensated; the run ends {@link WorkflowStatus#FAILED} with a
   * {@link RunCancelledException}. Returns false if no such run is in flight.
   *
   * @throws IllegalArgumentException if {@code runId} breaks the {@link RunIds} rules
   */
  public boolean cancel(String runId) {
    return engine.cancel(RunIds.check(runId));
  }

  /**
   * Continues the run {@code runId}: returns its result if it ended, attaches if it is in flight,
   * and otherwise resumes it from the store: its completed {@code @Checkpointed} steps are not run
   * again. Its workflow's orchestrator must have been created on this runtime (binding it), and its
   * inputs must have been stored (encodable inputs, durable store).
   *
   * @throws NoSuchElementException if the store has no such run
   * @throws IllegalArgumentException if {@code runId} breaks the {@link RunIds} rules
   */
  public CompletionStage<WorkflowResult<Object>> resume(String runId) {
    return engine.resume(RunIds.check(runId));
  }

  /**
   * {@link #resume} for every run the store holds as {@link WorkflowStatus#RUNNING} or {@link
   * WorkflowStatus#PARKED} whose workflow is bound here, oldest first: call it at start-up, after
   * creating the orchestrators. Returns one stage per resumed run.
   */
  public List<CompletableFuture<WorkflowResult<Object>>> resumeAll() {
    return engine.resumeAll();
  }

  /**
   * Replays a dead-lettered run once its cause is fixed: the dead letter is removed, the steps that
   * did not complete (and those compensated) get fresh attempts, and the run resumes from its
   * checkpoints — completed checkpointed steps are not run again. If it fails again, it is
   * dead-lettered again.
   *
   * @throws IllegalStateException if the run is in flight, succeeded, or its workflow is not bound
   *     here
   * @throws IllegalArgumentException if {@code runId} breaks the {@link RunIds} rules
   */
  public CompletionStage<WorkflowResult<Object>> replay(String runId) {
    return engine.replay(RunIds.check(runId));
  }

  /** Override keys that named no step of a workflow bound so far (a typo, or a step renamed). */
  public Set<String> unusedOverrides() {
    return engine.unusedOverrides();
  }

  /** Runs parked on the circuit breaker {@code name} now. */
  public int parkedRuns(String breaker) {
    return engine.parkedRuns(breaker);
  }

  /**
   * This runtime's node id in its store: the owner of the runs it opens, unique per process unless
   * pinned ({@link Builder#nodeId}); null for a store without leases (in memory).
   */
  public String nodeId() {
    return engine.nodeId();
  }

  /** Waits until the shared breakers' store calls handed over so far are done (for tests). */
  void awaitSharedBreakers() {
    engine.awaitSharedBreakers();
  }

  /** The runs of this runtime's store: pages by status, workflow and time, counts by status. */
  public Runs runs() {
    return runs;
  }

  /** Runs admitted and not yet ended. */
  public int inFlightRuns() {
    return engine.inFlightRuns();
  }

  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  public CheckpointStore checkpointStore() {
    return store;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Shuts down gracefully: admits no new run, lets the runs in flight finish within the {@linkplain
   * Builder#shutdownGracePeriod grace period}, then stops the rest and hands them back to the
   * store, where another node (or the next start) takes them over at once; their callers get {@link
   * RunHandedBackException}. Then stops the threads this runtime made and closes the store it
   * opened (not an executor, scheduler or store you supplied). A second call does nothing.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    // First: requests not yet started stay unacknowledged, for the other nodes.
    for (BusIntake intake : intakes) {
      intake.close();
    }
    engine.stopAdmitting();
    awaitInFlight();
    // No run ends here after this: its last outcomes are then all waiting to be published.
    engine.leave();
    long until = System.nanoTime() + OUTCOMES_GRACE_PERIOD.toNanos();
    for (BusIntake intake : intakes) {
      intake.detach(Duration.ofNanos(Math.max(0, until - System.nanoTime())));
    }
    engine.closeRemoteCalls();
    if (hook != null && Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down already.
      }
    }
    owned.close();
  }

  private void awaitInFlight() {
    List<CompletableFuture<WorkflowResult<Object>>> running = engine.inFlightResults();
    if (running.isEmpty() || shutdownGracePeriod.isZero()) {
      return;
    }
    try {
      CompletableFuture.allOf(running.toArray(new CompletableFuture<?>[0]))
          .get(shutdownGracePeriod.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // A run failed (its caller sees why), or the grace period is over: the rest is handed back.
    }
  }

  /** Configures a {@link FirebreakRuntime}; every setting has a working default. */
  public static final class Builder {
    private Executor executor;
    private Scheduler scheduler;
    private CheckpointStore store;
    private Path sqliteFile = Path.of(DEFAULT_SQLITE_FILE);
    private DeadLetterQueue deadLetters;
    private final List<FirebreakListener> listeners = new ArrayList<>();
    private int maxInFlightRuns = DEFAULT_MAX_IN_FLIGHT_RUNS;
    private boolean mdc = true;
    private int maxParkedPerBreaker = DEFAULT_MAX_PARKED_PER_BREAKER;
    private Duration retention;
    private boolean resumeAcrossGraphChanges;
    private final Map<String, String> overrides = new TreeMap<>();
    private String nodeId;
    private Duration shutdownGracePeriod = DEFAULT_SHUTDOWN_GRACE_PERIOD;
    private boolean shutdownHook = true;
    private boolean sharedBreakers;
    private Transport remoteTransport;
    private RemoteTopics remoteTopics = RemoteTopics.DEFAULT;
    private Set<String> remoteAgents = Set.of();

    private Builder() {}

    /**
     * Where steps run when a run forks or resumes after a wait. Default: a virtual thread per task
     * on Java 21+, else a pool of {@value #DEFAULT_POOL_THREADS} daemon threads.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The clock and timer for backoff, breakers, timeouts and deadlines. Default: real time. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Where runs and checkpoints are kept. Default: a {@link SqliteStore} in {@link #sqlite}'s
     * file, opened by the runtime and closed with it. Use {@link InMemoryCheckpointStore} for
     * tests.
     */
    public Builder checkpointStore(CheckpointStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The SQLite file of the default store (created if missing). Default: {@value
     * #DEFAULT_SQLITE_FILE} in the working directory. Ignored when {@link #checkpointStore} is set.
     */
    public Builder sqlite(Path file) {
      this.sqliteFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /**
     * Where failed runs go. Default: the store's own database when it keeps dead letters (SQLite,
     * PostgreSQL, Redis); otherwise in memory.
     */
    public Builder deadLetterQueue(DeadLetterQueue deadLetters) {
      this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
      return this;
    }

    /** Adds a listener for every {@link FirebreakEvent}. */
    public Builder listener(FirebreakListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Runs in flight at once, across all workflows; past it, {@link OverloadedException}. */
    public Builder maxInFlightRuns(int maxInFlightRuns) {
      if (maxInFlightRuns < 1) {
        throw new IllegalArgumentException("maxInFlightRuns must be >= 1: " + maxInFlightRuns);
      }
      this.maxInFlightRuns = maxInFlightRuns;
      return this;
    }

    /**
     * Whether agent calls run with the SLF4J MDC keys {@code firebreak.runId}, {@code
     * firebreak.workflow} and {@code firebreak.step} set. Default: true.
     */
    public Builder mdc(boolean mdc) {
      this.mdc = mdc;
      return this;
    }

    /**
     * Runs that may wait on one open circuit breaker. A critical step without fallback, in a run
     * with {@code @Checkpointed} steps, that meets an open breaker parks its run until the breaker
     * lets calls through again, instead of failing it; past this many, runs fail with reason {@link
     * DeadLetterReason#CIRCUIT_OPEN}. Default {@value #DEFAULT_MAX_PARKED_PER_BREAKER}.
     */
    public Builder maxParkedRunsPerBreaker(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxParkedRunsPerBreaker must be >= 0: " + max);
      }
      this.maxParkedPerBreaker = max;
      return this;
    }

    /**
     * Policy overrides for operations, without recompiling: keys {@code
     * firebreak.<Workflow>.<step>.<policy>.<element>}, e.g. {@code
     * firebreak.InvoiceWorkflow.extract.retry.maxAttempts=6}, {@code ...timeout.value=45s}, {@code
     * ...circuitBreaker.openFor=1m}, {@code ...retry.enabled=false}. Values are checked with the
     * processor's rules when a workflow is bound; a bad one fails there, naming the key. Later
     * calls win over earlier ones.
     */
    public Builder overrides(Map<String, String> overrides) {
      overrides.forEach(
          (k, v) -> this.overrides.put(Objects.requireNonNull(k), Objects.requireNonNull(v, k)));
      return this;
    }

    /** {@link #overrides(Map)} from the {@code firebreak.*} entries of {@code properties}. */
    public Builder overrides(Properties properties) {
      for (String key : properties.stringPropertyNames()) {
        if (key.startsWith(Overrides.PREFIX)) {
          overrides.put(key, properties.getProperty(key));
        }
      }
      return this;
    }

    /** {@link #overrides(Properties)} from the system properties ({@code -Dfirebreak...}). */
    public Builder systemPropertyOverrides() {
      return overrides(System.getProperties());
    }

    /**
     * How long finished runs (and their checkpoints) are kept; runs still RUNNING or PARKED are
     * never purged. The runtime purges once a minute on its scheduler. Default: kept forever.
     */
    public Builder retention(Duration retention) {
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive: " + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * Whether a stored run started under another version of its workflow's graph may be resumed:
     * completed checkpointed steps are matched by name and their outputs decoded with this build's
     * codecs (a mismatch fails the run with {@code CORRUPT_CHECKPOINT}); steps new to the graph
     * run. Default false: such a resume fails with {@link GraphMismatchException}.
     */
    public Builder resumeAcrossGraphChanges(boolean allowed) {
      this.resumeAcrossGraphChanges = allowed;
      return this;
    }

    /**
     * Pins this runtime's node id in the default SQLite store, instead of a {@linkplain
     * Leases#uniqueOwner() unique one per process}: a restarted process with the same id takes its
     * runs back at once. Two processes must never run with one id at the same time. A store you
     * give carries its own id (its {@code open(…, owner, lease, clock)}).
     */
    public Builder nodeId(String nodeId) {
      this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
      return this;
    }

    /**
     * How long {@link FirebreakRuntime#close()} lets the runs in flight finish before it hands the
     * rest back to the store. Default {@link #DEFAULT_SHUTDOWN_GRACE_PERIOD}; zero hands them back
     * at once.
     */
    public Builder shutdownGracePeriod(Duration period) {
      if (period.isNegative()) {
        throw new IllegalArgumentException("shutdownGracePeriod must not be negative: " + period);
      }
      this.shutdownGracePeriod = period;
      return this;
    }

    /**
     * Whether a JVM shutdown hook closes this runtime gracefully (SIGTERM, {@code System.exit}).
     * Default true; frameworks that close it themselves may turn it off.
     */
    public Builder shutdownHook(boolean enabled) {
      this.shutdownHook = enabled;
      return this;
    }

    /**
     * Whether this runtime's circuit breakers are shared with every other node on its store: a
     * breaker that opens on one node opens on all within a second, and one node at a time makes the
     * half-open trials (at most {@code halfOpenTrials} calls per {@code openFor}, cluster-wide).
     * Each node still counts its own failures while closed. Default false: each node's breakers are
     * its own. Needs a store that keeps breaker records (SQLite, PostgreSQL, Redis).
     */
    public Builder sharedBreakers(boolean shared) {
      this.sharedBreakers = shared;
      return this;
    }

    /**
     * Calls the steps of the remotable agents named ({@code @Remotable} classes, by qualified name)
     * over {@code transport}, on the {@linkplain RemoteTopics#DEFAULT default topics}: workers
     * ({@link dev.firebreak.runtime.remote.FirebreakWorker}) run them, and every policy (timeout,
     * retry, breaker, degradation, checkpoint, compensation) stays here. Other agents run in
     * process. The transport stays the caller's: close the runtime first.
     */
    public Builder remoteAgents(Transport transport, String... agents) {
      return remoteAgents(transport, RemoteTopics.DEFAULT, agents);
    }

    /** {@link #remoteAgents(Transport, String...)} on the topics given. */
    public Builder remoteAgents(Transport transport, RemoteTopics topics, String... agents) {
      this.remoteTransport = Objects.requireNonNull(transport, "transport");
      this.remoteTopics = Objects.requireNonNull(topics, "topics");
      this.remoteAgents = Set.of(agents);
      return this;
    }

    /**
     * Builds the runtime, opening the default store if none was given.
     *
     * @throws RuntimeException if the store cannot be opened; nothing the build started survives it
     */
    public FirebreakRuntime build() {
      return create(this);
    }
  }
}
