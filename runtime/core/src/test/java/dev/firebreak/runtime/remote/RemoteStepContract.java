package dev.firebreak.runtime.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.PermanentFailure;
import dev.firebreak.runtime.RemoteFailureException;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every transport does for remote steps, on a real server: the orchestrator keeps the policies
 * and the worker runs the agent. A ledger outside the stores (the agent's own count of effects per
 * idempotency key) judges each case: {@code lost=0 duplicate_effects=0}.
 */
public abstract class RemoteStepContract {
  static final String AGENT = "test.Shouter";
  private static final AtomicInteger namespaces = new AtomicInteger();

  /** Topics unique to this test, so that tests sharing a server never meet. */
  protected final RemoteTopics topics =
      new RemoteTopics(
          "r" + namespaces.incrementAndGet() + "-" + System.nanoTime() % 100000 + ".calls.",
          "workers.",
          "r" + namespaces.get() + "-" + System.nanoTime() % 100000 + ".replies");

  /** Effects applied, per idempotency key: the ledger. */
  final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();

  /** Compensations applied, per idempotency key: what each undid, "input->output". */
  final Map<String, List<String>> undone = new ConcurrentHashMap<>();

  /** Compensation calls of the agent, and how many of the first ones fail. */
  final AtomicInteger undoCalls = new AtomicInteger();

  volatile int undoFailures;

  /** When set, a compensation waits for it: an undo that is still running. */
  volatile CountDownLatch undoGate;

  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  /** The agent's behaviour for the test: it returns the output, after applying the effect. */
  volatile Behaviour behaviour = (text, ctx) -> text.toUpperCase(Locale.ROOT);

  @FunctionalInterface
  interface Behaviour {
    String shout(String text, StepContext ctx) throws Exception;
  }

  /** A transport for node {@code node}, fetching at most {@code batch} records at a time. */
  protected abstract Transport transport(String node, int batch);

  /** The store of orchestrator node {@code node}; every node of a test shares its runs. */
  protected abstract dev.firebreak.runtime.CheckpointStore durableStore(String node);

  /** Creates the topics where the bus needs that done first. */
  protected abstract void createTopics(String... topics) throws Exception;

  @BeforeEach
  void topics() throws Exception {
    createTopics(topics.calls(AGENT), topics.replies());
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  <T extends AutoCloseable> T closedAfter(T resource) {
    open.add(resource);
    return resource;
  }

  /** The hand-written equivalent of a generated dispatch: one step, shout(String) -> String. */
  final class Shouter implements AgentDispatch {
    @Override
    public String agent() {
      return AGENT;
    }

    @Override
    public List<String> steps() {
      return List.of("shout");
    }

    @Override
    public List<CheckpointCodec<?>> inputCodecs(String step) {
      return step.equals("shout") ? List.of(Codecs.STRING) : null;
    }

    @Override
    public CheckpointCodec<?> outputCodec(String step) {
      return Codecs.STRING;
    }

    @Override
    public Object call(String step, Object[] inputs, StepContext context) throws Exception {
      String out = behaviour.shout((String) inputs[0], context);
      effects.computeIfAbsent(context.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
      return out;
    }

    @Override
    public Object fallback(String step, Object[] inputs, Throwable failure) {
      RemoteFailureException remote = (RemoteFailureException) failure;
      return "standing in for " + inputs[0] + " after " + remote.types().get(0);
    }

    @Override
    public void compensate(String step, Object output, Object[] inputs, StepContext context) {
      CountDownLatch gate = undoGate;
      if (gate != null) {
        try {
          gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (undoCalls.incrementAndGet() <= undoFailures) {
        throw new Flaky("undo failed (attempt " + context.attempt() + ")");
      }
      undone
          .computeIfAbsent(context.idempotencyKey(), k -> new CopyOnWriteArrayList<>())
          .add(inputs[0] + "->" + output);
    }
  }

  FirebreakWorker worker(String id, CallRecords records, int concurrency, Duration lease) {
    return closedAfter(
        FirebreakWorker.builder(closedAfter(transport(id, 16)))
            .workerId(id)
            .topics(topics)
            .records(records)
            .concurrency(concurrency)
            .claimLease(lease)
            .agent(new Shouter())
            .start());
  }

  /** An orchestrator node that calls test.Shouter over the bus; its own call fails the test. */
  FirebreakRuntime orchestrator(ManualScheduler scheduler) {
    FirebreakRuntime.Builder b =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .remoteAgents(closedAfter(transport("orchestrator", 16)), topics, AGENT)
            .shutdownGracePeriod(Duration.ZERO)
            .shutdownHook(false);
    if (scheduler != null) {
      b.scheduler(scheduler);
    }
    return closedAfter(b.build());
  }

  BoundEntryPoint bind(FirebreakRuntime runtime, RetryPolicy retry, Duration timeout) {
    StepDescriptor.Builder step = StepDescriptor.builder("shout").inputs(0);
    if (retry != null) {
      step.retry(retry);
    }
    return Flow.of("shout", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            step,
            timeout,
            StepBinding.sync(
                    (s, ctx) -> {
                      throw new AssertionError("ran in process: the agent is remote");
                    })
                .remotable(new StepBinding.Remotable(AGENT, List.of(Codecs.STRING), Codecs.STRING)))
        .bind(runtime);
  }

  /**
   * The ledger's verdict on {@code keys}: a key without an effect is lost, one with more than one
   * is a duplicate.
   */
  public static String ledger(List<String> keys, Map<String, AtomicInteger> effects) {
    int lost = 0;
    int duplicates = 0;
    for (String key : keys) {
      AtomicInteger n = effects.get(key);
      lost += n == null ? 1 : 0;
      duplicates += n != null && n.get() > 1 ? 1 : 0;
    }
    return "lost=" + lost + " duplicate_effects=" + duplicates;
  }

  @Test
  void aRemoteStepRunsOnAWorkerAndItsOutputComesBack() throws Exception {
    worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    FirebreakRuntime runtime = orchestrator(null);
    BoundEntryPoint entry = bind(runtime, null, Duration.ofSeconds(30));
    List<CompletableFuture<WorkflowResult<Object>>> runs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      runs.add(entry.runAsyncForResult("run-" + i, "hello " + i).toCompletableFuture());
      keys.add("run-" + i + ":shout");
    }
    for (int i = 0; i < 40; i++) {
      WorkflowResult<Object> r = runs.get(i).get(60, TimeUnit.SECONDS);
      assertEquals(WorkflowStatus.COMPLETED, r.status(), r.toString());
      assertEquals("HELLO " + i, r.output());
    }
    assertEquals("lost=0 duplicate_effects=0", ledger(keys, effects));
  }

  /** A failure the agent throws, kept by class name across the bus. */
  static class Flaky extends IllegalStateException {
    Flaky(String message) {
      super(message);
    }
  }

  /** An IllegalStateException too: only abortOn, matched by its own name, keeps it from a retry. */
  static class Refused extends IllegalStateException {
    Refused(String message) {
      super(message);
    }
  }

  @Test
  void aRemoteFailureKeepsItsClassSoRetryOnAndAbortOnStillDecide() throws Exception {
    worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    AtomicInteger calls = new AtomicInteger();
    behaviour =
        (text, ctx) -> {
          calls.incrementAndGet();
          if (text.equals("refuse")) {
            throw new Refused("no, never");
          }
          if (ctx.attempt() < 3) {
            throw new Flaky("try again (attempt " + ctx.attempt() + ")");
          }
          return text.toUpperCase(Locale.ROOT);
        };
    FirebreakRuntime runtime = orchestrator(null);
    RetryPolicy retry =
        RetryPolicy.builder()
            .maxAttempts(3)
            .delay(Duration.ofMillis(1))
            .jitter(0)
            .retryOn(IllegalStateException.class)
            .abortOn(Refused.class)
            .build();
    BoundEntryPoint entry = bind(runtime, retry, Duration.ofSeconds(30));

    WorkflowResult<Object> flaky = entry.runForResult("flaky", "again");
    assertEquals(WorkflowStatus.COMPLETED, flaky.status(), flaky.toString());
    assertEquals("AGAIN", flaky.output());
    assertEquals(
        3, flaky.attempts().get("shout"), "two failures retried, as IllegalStateException");

    calls.set(0);
    WorkflowResult<Object> refused = entry.runForResult("refused", "refuse");
    assertEquals(WorkflowStatus.FAILED, refused.status());
    assertEquals(1, calls.get(), "abortOn matched the remote class: no retry");
    RemoteFailureException failure =
        assertInstanceOf(RemoteFailureException.class, refused.failure());
    assertEquals(Refused.class.getName(), failure.types().get(0));
    assertTrue(failure.getMessage().contains("no, never"), failure.getMessage());
  }

  /** A failure no retry can mend, thrown in the worker. */
  static class Forbidden extends IllegalStateException implements PermanentFailure {
    Forbidden() {
      super("401: the worker's credentials were refused");
    }
  }

  @Test
  void aPermanentFailureInTheWorkerIsNotRetriedByTheOrchestrator() throws Exception {
    worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    AtomicInteger calls = new AtomicInteger();
    behaviour =
        (text, ctx) -> {
          calls.incrementAndGet();
          throw new Forbidden();
        };
    FirebreakRuntime runtime = orchestrator(null);
    RetryPolicy retry =
        RetryPolicy.builder()
            .maxAttempts(3)
            .delay(Duration.ofMillis(1))
            .jitter(0)
            .retryOn(Exception.class)
            .build();
    WorkflowResult<Object> result =
        bind(runtime, retry, Duration.ofSeconds(30)).runForResult("forbidden", "x");
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals(1, calls.get(), "retryOn = Exception.class, yet one call");
  }

  @Test
  void aRemoteStepsFallbackRunsOnTheWorkerAndSeesTheFailureByItsClassNames() throws Exception {
    worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    behaviour =
        (text, ctx) -> {
          throw new Refused("down for maintenance");
        };
    FirebreakRuntime runtime = orchestrator(null);
    WorkflowResult<Object> result =
        Flow.of("degrade", 1)
            .inputCodecs(Codecs.STRING)
            .outputCodec(Codecs.STRING)
            .step(
                StepDescriptor.builder("shout").inputs(0),
                Duration.ofSeconds(30),
                StepBinding.sync(
                        (s, ctx) -> {
                          throw new AssertionError("ran in process: the agent is remote");
                        })
                    .fallback(
                        (s, failure) -> {
                          throw new AssertionError("fell back in process: the agent is remote");
                        })
                    .remotable(
                        new StepBinding.Remotable(AGENT, List.of(Codecs.STRING), Codecs.STRING)))
            .bind(runtime)
            .runForResult("degraded-1", "hello");

    assertEquals(
        WorkflowStatus.COMPLETED_DEGRADED,
        result.status(),
        () -> result + " " + java.util.Arrays.toString(result.failure().getSuppressed()));
    assertEquals("standing in for hello after " + Refused.class.getName(), result.output());
    assertEquals(1, result.degradedSteps().size());
    assertTrue(result.degradedSteps().get(0).fallbackUsed());
  }

  @Test
  void aRemoteStepsCompensationRunsOnTheWorkerWithTheOutputItUndoes() throws Exception {
    worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    undoFailures = 1; // the first compensation call fails: its retry is a real call
    FirebreakRuntime runtime = durableOrchestrator("saga-node"); // replay reads stored inputs
    Flow flow = Flow.of("saga", 1).inputCodecs(Codecs.STRING).outputCodec(Codecs.STRING);
    flow.step(
        StepDescriptor.builder("shout")
            .inputs(0)
            .retry(
                RetryPolicy.builder()
                    .maxAttempts(2)
                    .delay(Duration.ofMillis(1))
                    .jitter(0)
                    .retryOn(Exception.class)
                    .build()),
        Duration.ofSeconds(30),
        StepBinding.sync(
                (s, ctx) -> {
                  throw new AssertionError("ran in process: the agent is remote");
                })
            .compensation(
                (out, s, ctx) -> {
                  throw new AssertionError("compensated in process: the agent is remote");
                })
            .remotable(new StepBinding.Remotable(AGENT, List.of(Codecs.STRING), Codecs.STRING)));
    AtomicInteger charges = new AtomicInteger();
    flow.step(
        StepDescriptor.builder("charge").inputs(flow.slotOf("shout")),
        StepBinding.sync(
            (s, ctx) -> {
              if (charges.incrementAndGet() == 1) {
                throw new IllegalArgumentException("card declined");
              }
              return "charged " + s[flow.slotOf("shout")];
            }));
    WorkflowResult<Object> result = flow.bind(runtime).runForResult("saga-1", "book");

    assertEquals(WorkflowStatus.FAILED, result.status(), result.toString());
    assertEquals(2, undoCalls.get(), "a failed compensation call, then its retry");
    assertEquals(List.of("book->BOOK"), undone.get("saga-1:shout"), "undone once, on the worker");
    assertEquals("lost=0 duplicate_effects=0", ledger(List.of("saga-1:shout"), effects));
    List<TimelineEntry> undo = runtime.runs().find("saga-1").orElseThrow().compensations();
    assertEquals(1, undo.size(), undo.toString());
    assertEquals(2, undo.get(0).attempt(), "the compensation on the run's timeline, at its retry");

    // A replay does the undone step again: the worker's record of it went with the undo.
    WorkflowResult<Object> replayed =
        Flow.<Object>cast(runtime.replay("saga-1")).toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(WorkflowStatus.COMPLETED, replayed.status(), replayed.toString());
    assertEquals("charged BOOK", replayed.output());
    assertEquals(2, effects.get("saga-1:shout").get(), "done, undone, and done again");
  }

  @Test
  void aRunHandedBackWhileItsRemoteUndoWaitsEndsForItsCallerInsteadOfHanging() throws Exception {
    FirebreakWorker worker = worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    undoGate = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    FirebreakRuntime first = durableOrchestrator("node-a");
    Flow flow = Flow.of("handback", 1).inputCodecs(Codecs.STRING).outputCodec(Codecs.STRING);
    flow.step(
        StepDescriptor.builder("shout").inputs(0),
        Duration.ofSeconds(30),
        StepBinding.sync(
                (s, ctx) -> {
                  throw new AssertionError("ran in process: the agent is remote");
                })
            .compensation(
                (out, s, ctx) -> {
                  throw new AssertionError("compensated in process: the agent is remote");
                })
            .remotable(new StepBinding.Remotable(AGENT, List.of(Codecs.STRING), Codecs.STRING)));
    flow.step(
        StepDescriptor.builder("charge").inputs(flow.slotOf("shout")),
        StepBinding.sync(
            (s, ctx) -> {
              entered.incrementAndGet();
              throw new IllegalArgumentException("card declined");
            }));
    CompletableFuture<WorkflowResult<Object>> run =
        Flow.<Object>cast(flow.bind(first).runAsyncForResult("handback-1", "book"))
            .toCompletableFuture();
    IntakeContract.await(
        "the undo running at the worker", () -> entered.get() == 1 && worker.calls() >= 2);

    first.close(); // grace zero: the run, still undoing, is handed back
    java.util.concurrent.ExecutionException ended =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.util.concurrent.ExecutionException.class, () -> run.get(30, TimeUnit.SECONDS));
    assertInstanceOf(dev.firebreak.runtime.RunHandedBackException.class, ended.getCause());
    undoGate.countDown();
  }

  @Test
  void aLateReplyIsDroppedAndTheRetryIsAnsweredFromTheRecordWithOneEffect() throws Exception {
    CountDownLatch slow = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    behaviour =
        (text, ctx) -> {
          entered.incrementAndGet();
          slow.await(60, TimeUnit.SECONDS); // past the step's timeout
          return text.toUpperCase(Locale.ROOT);
        };
    FirebreakWorker worker = worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    ManualScheduler clock = new ManualScheduler(Instant.now());
    FirebreakRuntime runtime = orchestrator(clock);
    RetryPolicy retry =
        RetryPolicy.builder()
            .maxAttempts(2)
            .delay(Duration.ofSeconds(1))
            .jitter(0)
            .retryOn(Exception.class)
            .build();
    BoundEntryPoint entry = bind(runtime, retry, Duration.ofSeconds(30));
    CompletableFuture<WorkflowResult<Object>> run =
        entry.runAsyncForResult("slow", "late").toCompletableFuture();
    IntakeContract.await("the first call running", () -> entered.get() == 1);

    clock.advance(Duration.ofSeconds(30)); // the first attempt times out here
    IntakeContract.await(
        "the retry scheduled",
        () -> clock.nextDue().map(d -> d.equals(Duration.ofSeconds(1))).orElse(false));
    clock.advance(Duration.ofSeconds(1)); // the retry's call goes out
    IntakeContract.await("the retry's call at the worker", () -> worker.calls() == 2);
    assertEquals(1, entered.get(), "the retry waits for the running call, not a second effect");

    slow.countDown(); // the first call ends: its reply is late, the retry is answered from the
    // record
    WorkflowResult<Object> result = run.get(60, TimeUnit.SECONDS);
    assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
    assertEquals("LATE", result.output());
    assertEquals(2, result.attempts().get("shout"));
    assertEquals(1, worker.answeredFromRecord());
    assertEquals("lost=0 duplicate_effects=0", ledger(List.of("slow:shout"), effects));
  }

  @Test
  void aCallOfAWorkerThatDiedMidCallIsAnsweredOnceByAnother() throws Exception {
    CountDownLatch dead = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    behaviour =
        (text, ctx) -> {
          if (entered.incrementAndGet() == 1) {
            dead.await(60, TimeUnit.SECONDS); // the first worker dies here, before its effect
            throw new IllegalStateException("a dead worker's thread never goes on");
          }
          return text.toUpperCase(Locale.ROOT);
        };
    CallRecords shared = CallRecords.inMemory();
    // The dying worker's timer never moves: it renews nothing, as a killed process would not.
    Transport dyingBus = transport("worker-1", 16);
    closedAfter(
        FirebreakWorker.builder(dyingBus)
            .workerId("worker-1")
            .topics(topics)
            .records(shared)
            .claimLease(Duration.ofMillis(500))
            .scheduler(new ManualScheduler(Instant.now()))
            .agent(new Shouter())
            .start());
    FirebreakRuntime runtime = orchestrator(null);
    BoundEntryPoint entry = bind(runtime, null, Duration.ofSeconds(60));
    CompletableFuture<WorkflowResult<Object>> run =
        entry.runAsyncForResult("orphan", "once").toCompletableFuture();
    IntakeContract.await("the first worker running the call", () -> entered.get() == 1);

    dyingBus.close(); // gone from the group, the call unacknowledged; its claim lapses in 500 ms
    worker("worker-2", shared, 16, Duration.ofMillis(500));
    WorkflowResult<Object> result = run.get(60, TimeUnit.SECONDS);
    dead.countDown();
    assertEquals(WorkflowStatus.COMPLETED, result.status(), result.toString());
    assertEquals("ONCE", result.output());
    assertEquals("lost=0 duplicate_effects=0", ledger(List.of("orphan:shout"), effects));
  }

  @Test
  void anOrchestratorThatLeavesMidCallHasItsRunFinishedElsewhereWithOneEffect() throws Exception {
    CountDownLatch slow = new CountDownLatch(1);
    AtomicInteger entered = new AtomicInteger();
    behaviour =
        (text, ctx) -> {
          entered.incrementAndGet();
          slow.await(60, TimeUnit.SECONDS);
          return text.toUpperCase(Locale.ROOT);
        };
    FirebreakWorker worker = worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    FirebreakRuntime first = durableOrchestrator("node-a");
    bind(first, null, Duration.ofSeconds(60)).runAsyncForResult("handoff", "moved");
    IntakeContract.await("the call at the worker", () -> entered.get() == 1);

    first.close(); // grace period zero: the run, its call outstanding, is handed back
    FirebreakRuntime second = durableOrchestrator("node-b");
    bind(second, null, Duration.ofSeconds(60));
    // node-b's sweep takes the run over and calls again under the same idempotency key: the
    // worker waits for the call it still runs, then answers both from the record.
    IntakeContract.await("node-b's call at the worker", () -> worker.calls() == 2);
    slow.countDown();
    IntakeContract.await(
        "the run completed by node-b",
        () ->
            second
                .runs()
                .find("handoff")
                .map(d -> d.run().status() == WorkflowStatus.COMPLETED)
                .orElse(false));
    assertEquals(1, entered.get(), "one call of the agent");
    assertEquals(1, worker.answeredFromRecord());
    assertEquals("lost=0 duplicate_effects=0", ledger(List.of("handoff:shout"), effects));
  }

  /** An orchestrator node on the test's durable store, shared with its other nodes. */
  private FirebreakRuntime durableOrchestrator(String node) {
    dev.firebreak.runtime.CheckpointStore store = durableStore(node);
    closedAfter((AutoCloseable) store::close);
    return closedAfter(
        FirebreakRuntime.builder()
            .checkpointStore(store)
            .remoteAgents(closedAfter(transport("orchestrator-" + node, 16)), topics, AGENT)
            .shutdownGracePeriod(Duration.ZERO)
            .shutdownHook(false)
            .build());
  }

  @Test
  void aCallThatDoesNotReadIsAnsweredWithWhy() throws Exception {
    worker("worker-1", CallRecords.inMemory(), 16, Duration.ofSeconds(10));
    Transport caller = closedAfter(transport("caller", 16));
    List<byte[]> replies = new CopyOnWriteArrayList<>();
    closedAfter(caller.listen(topics.replies(), d -> replies.add(d.value())));
    caller
        .publish(
            topics.calls(AGENT),
            "k",
            ("{\"callId\":\"c-1\",\"idempotencyKey\":\"k\",\"replyTo\":\""
                    + topics.replies()
                    + "\",\"step\":\"shout\",\"inputs\":[\"no timeoutAt\"]}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    IntakeContract.await("the failure's reply", () -> !replies.isEmpty());
    String reply = new String(replies.get(0), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(reply.contains("\"callId\":\"c-1\""), reply);
    assertTrue(reply.contains("java.lang.IllegalArgumentException"), reply);
    assertTrue(reply.contains("not a call"), reply);
    assertTrue(effects.isEmpty(), "nothing ran");
  }

  @Test
  void aWorkerRunsAtMostItsConcurrencyAndTheBacklogWaitsInTheBus() throws Exception {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    behaviour =
        (text, ctx) -> {
          most.accumulateAndGet(now.incrementAndGet(), Math::max);
          Thread.sleep(2); // the work of a worker slower than its callers
          now.decrementAndGet();
          return text.toUpperCase(Locale.ROOT);
        };
    worker("worker-1", CallRecords.inMemory(), 3, Duration.ofSeconds(10));
    FirebreakRuntime runtime = orchestrator(null);
    BoundEntryPoint entry = bind(runtime, null, Duration.ofSeconds(60));
    List<CompletableFuture<WorkflowResult<Object>>> runs = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      runs.add(entry.runAsyncForResult("busy-" + i, "x").toCompletableFuture());
      keys.add("busy-" + i + ":shout");
    }
    for (CompletableFuture<WorkflowResult<Object>> r : runs) {
      assertEquals(WorkflowStatus.COMPLETED, r.get(60, TimeUnit.SECONDS).status());
    }
    assertTrue(most.get() <= 3, "calls at once: " + most.get());
    assertEquals("lost=0 duplicate_effects=0", ledger(keys, effects));
  }
}
