package dev.firebreak.runtime.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.ForwardingCheckpointStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every transport does under an {@link Intake}, on a real server. A ledger outside the store
 * (the agent's own count of calls per run) judges each case: {@code lost=0 duplicate_starts=0}.
 */
public abstract class IntakeContract {
  private static final AtomicInteger namespaces = new AtomicInteger();

  /** Names unique to this test, so that tests sharing a server never meet. */
  protected final String ns = "t" + namespaces.incrementAndGet() + "-" + System.nanoTime() % 100000;

  protected final String requests = ns + "-requests";
  protected final String results = ns + "-results";
  protected final String letters = ns + "-dead-letters";
  protected static final String GROUP = "shouters";

  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private final AtomicBoolean storeAway = new AtomicBoolean();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  /** A transport for node {@code node}, fetching at most {@code batch} records at a time. */
  protected abstract Transport transport(String node, int batch);

  /** The store of node {@code node}; every node of a test shares its runs. */
  protected abstract CheckpointStore store(String node);

  /** Creates the test's topics where the bus needs that done first. */
  protected abstract void createTopics(String... topics) throws Exception;

  /** Publishes a record as a producer outside Firebreak would; {@code key} may be null. */
  protected abstract void publishRaw(String topic, String key, String value);

  /** Every record of {@code topic} so far, values by key. */
  protected abstract Map<String, List<String>> published(String topic);

  /** Records of {@code topic} that {@code group} has not acknowledged. */
  protected abstract long unacknowledged(String topic, String group);

  @BeforeEach
  void topics() throws Exception {
    createTopics(requests, results, letters);
  }

  @AfterEach
  void closeAll() throws Exception {
    gate.countDown();
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A node: a runtime on the store (refusing to open runs while storeAway) and "shout" bound. */
  private FirebreakRuntime node(String id, int maxInFlight) {
    CheckpointStore store = store(id);
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(
                new ForwardingCheckpointStore(store) {
                  @Override
                  public RunRecord open(
                      String runId,
                      String workflow,
                      String entryPoint,
                      String graphHash,
                      byte[] inputs) {
                    if (storeAway.get()) {
                      throw new StoreUnavailableException("the store is away", null);
                    }
                    return super.open(runId, workflow, entryPoint, graphHash, inputs);
                  }
                })
            .maxInFlightRuns(maxInFlight)
            .shutdownGracePeriod(Duration.ZERO)
            .shutdownHook(false)
            .build();
    open.add(store::close);
    open.add(runtime);
    Flow.of("shout", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("shout").inputs(0),
            Flow.sync(
                (s, ctx) -> {
                  calls.computeIfAbsent(ctx.runId(), k -> new AtomicInteger()).incrementAndGet();
                  gate.await();
                  return ((String) s[0]).toUpperCase(Locale.ROOT);
                }))
        .bind(runtime);
    return runtime;
  }

  private Intake intake(FirebreakRuntime runtime, String node) {
    Transport transport = transport(node, 16);
    open.add(transport);
    Intake intake =
        runtime.intake(
            transport,
            "test.Flow",
            "shout",
            IntakeTopics.of(requests, GROUP).results(results).deadLetters(letters));
    open.add(intake);
    return intake;
  }

  private void request(String runId, String text) {
    publishRaw(requests, runId, "[\"" + text + "\"]");
  }

  private int resultCount() {
    return published(results).values().stream().mapToInt(List::size).sum();
  }

  /** "lost=N duplicate_starts=M" over {@code ids}, by the agent's own count. */
  private String ledger(List<String> ids) {
    int lost = 0;
    int duplicateStarts = 0;
    for (String id : ids) {
      AtomicInteger n = calls.get(id);
      lost += n == null ? 1 : 0;
      duplicateStarts += n != null && n.get() > 1 ? 1 : 0;
    }
    return "lost=" + lost + " duplicate_starts=" + duplicateStarts;
  }

  private static List<String> ids(String prefix, int n) {
    return java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
  }

  public static void await(String what, BooleanSupplier done) {
    await(what, done, () -> "");
  }

  public static void await(String what, BooleanSupplier done, Supplier<String> state) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= until) {
        throw new AssertionError("not within 60 s: " + what + " " + state.get());
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void eachRequestStartsOneRunAndItsResultIsPublished() {
    List<String> ids = ids("run-", 100);
    for (int i = 0; i < 100; i++) {
      request(ids.get(i), "hello " + i);
    }
    for (int i = 0; i < 10; i++) {
      request(ids.get(i), "hello " + i); // sent twice: attaches, never a second run
    }
    FirebreakRuntime runtime = node("node-a", 1000);
    Intake intake = intake(runtime, "node-a");

    await("110 results", () -> resultCount() >= 110);
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
    Map<String, List<String>> out = published(results);
    for (int i = 0; i < 100; i++) {
      String id = ids.get(i);
      assertEquals(
          WorkflowStatus.COMPLETED, runtime.runs().find(id).orElseThrow().run().status(), id);
      assertTrue(
          out.get(id).get(0).contains("\"status\":\"COMPLETED\",\"output\":\"HELLO " + i + "\""),
          out.get(id).toString());
    }
    assertEquals(110, intake.started());
    assertEquals(0, intake.poisoned());
  }

  @Test
  void anUnreadableRequestBecomesADeadLetterAndNeverStallsItsPartition() {
    request("good-1", "a");
    publishRaw(requests, "good-2", "{not json");
    publishRaw(requests, null, "[\"no key\"]");
    publishRaw(requests, "good-2", "[\"b\", \"c\"]");
    request("good-2", "b");
    FirebreakRuntime runtime = node("node-a", 1000);
    Intake intake = intake(runtime, "node-a");

    await("both good runs", () -> published(results).size() == 2);
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals(3, intake.poisoned());
    List<DeadLetter> dead = runtime.deadLetters().list();
    assertEquals(3, dead.size(), dead.toString());
    String chains = dead.toString();
    for (DeadLetter d : dead) {
      assertTrue(d.runId().startsWith("poison:" + requests + "@"), d.runId());
      assertEquals(DeadLetterReason.INVALID_INPUT, d.reason());
    }
    assertTrue(chains.contains("(key \"good-2\") cannot start a run"), chains);
    assertTrue(chains.contains("the request has no key"), chains);
    assertTrue(chains.contains("expected 1 inputs, found more"), chains);
    assertEquals(
        WorkflowStatus.COMPLETED,
        runtime.runs().find("good-2").orElseThrow().run().status(),
        "a poison record with the key good-2 never touched run good-2");
    assertTrue(runtime.deadLetters().find("good-2").isEmpty());
    assertEquals(3, published(letters).size(), "each dead letter published under its own id");
  }

  @Test
  void aFullRuntimePausesItsSubscriptionAndDropsNothing() {
    gate = new CountDownLatch(1);
    List<String> ids = ids("held-", 60);
    ids.forEach(id -> request(id, "x"));
    FirebreakRuntime runtime = node("node-a", 2);
    Intake intake = intake(runtime, "node-a");

    await(
        "the runtime full",
        () -> runtime.inFlightRuns() == 2 && intake.paused() && calls.size() == 2);
    assertTrue(
        intake.waiting() <= 2 * 16,
        "paused: at most a fetch or two wait, not the topic: " + intake.waiting());

    gate.countDown();
    await(
        "all 60",
        () -> published(results).size() == 60,
        () ->
            "results="
                + published(results).size()
                + " calls="
                + calls.size()
                + " started="
                + intake.started()
                + " waiting="
                + intake.waiting()
                + " paused="
                + intake.paused());
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
    assertTrue(!intake.paused());
  }

  @Test
  void aRequestIsAcknowledgedOnlyOnceItsRunIsInTheStore() {
    storeAway.set(true);
    List<String> ids = ids("later-", 5);
    ids.forEach(id -> request(id, "z"));
    FirebreakRuntime runtime = node("node-a", 1000);
    Intake intake = intake(runtime, "node-a");
    await("five refused opens", () -> intake.started() >= 5);
    assertEquals(
        5, unacknowledged(requests, GROUP), "none acknowledged while the store refused the runs");
    assertTrue(calls.isEmpty());

    storeAway.set(false); // back: the requests are offered again and start
    await("all five", () -> published(results).size() == 5);
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
    assertTrue(runtime.deadLetters().list().isEmpty(), "a store away is not a poison request");
  }

  @Test
  void aRuntimeShuttingDownLeavesItsWaitingRequestsToTheOtherNodes() throws Exception {
    gate = new CountDownLatch(1);
    List<String> ids = ids("shut-", 10);
    ids.forEach(id -> request(id, "s"));
    FirebreakRuntime first = node("node-a", 1);
    Intake intake = intake(first, "node-a");
    await("node-a full, the rest waiting", () -> calls.size() == 1 && intake.waiting() > 0);

    first.close(); // grace period zero: its one run is handed back
    assertEquals(0, intake.poisoned(), "a shutdown is not the requests' fault");
    assertTrue(first.deadLetters().list().isEmpty(), first.deadLetters().list().toString());

    gate.countDown();
    FirebreakRuntime second = node("node-b", 1000);
    intake(second, "node-b");
    // The run node-a handed back is taken over by node-b's sweep, not started by its intake.
    await(
        "all ten completed",
        () ->
            ids.stream()
                .allMatch(
                    id ->
                        second
                            .runs()
                            .find(id)
                            .map(d -> d.run().status() == WorkflowStatus.COMPLETED)
                            .orElse(false)));
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertTrue(ids.stream().allMatch(calls::containsKey), "lost: " + calls.keySet());
  }

  @Test
  void requestsAMemberHeldUnacknowledgedWhenItLeftGoToAnother() {
    List<String> ids = ids("orphan-", 20);
    ids.forEach(id -> request(id, "y"));
    // A member that takes every request and leaves without acknowledging one.
    Transport dying = transport("node-dead", 16);
    open.add(dying);
    List<Delivery> taken = new CopyOnWriteArrayList<>();
    Subscription held = dying.subscribe(requests, GROUP, taken::add);
    await("the leaving member took them all", () -> taken.size() == 20);
    held.close();
    assertEquals(20, unacknowledged(requests, GROUP));

    FirebreakRuntime runtime = node("node-b", 1000);
    intake(runtime, "node-b");
    await("all 20 by node-b", () -> published(results).size() == 20);
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
  }
}
