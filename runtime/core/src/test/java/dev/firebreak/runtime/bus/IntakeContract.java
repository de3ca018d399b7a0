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
  private volatile long slowMillis;

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

  private FirebreakRuntime node(String id, int maxInFlight) {
    return node(id, maxInFlight, Duration.ZERO);
  }

  /**
   * A node: a runtime on the store (refusing to open runs while storeAway) and "shout" bound, which
   * fails on "boom".
   */
  private FirebreakRuntime node(String id, int maxInFlight, Duration gracePeriod) {
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
            .shutdownGracePeriod(gracePeriod)
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
                  if (slowMillis > 0) {
                    Thread.sleep(slowMillis); // the work of a consumer slower than its producer
                  }
                  if (s[0].equals("boom")) {
                    throw new IllegalStateException("the shouter lost its voice");
                  }
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

    // A request sent again while its run is in flight attaches to it, and the run's end is
    // published once; one sent again after the end publishes it again.
    await("100 results", () -> published(results).keySet().containsAll(ids), this::resultKeys);
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
    Map<String, List<String>> out = published(results);
    for (int i = 0; i < 100; i++) {
      String id = ids.get(i);
      assertEquals(
          WorkflowStatus.COMPLETED, runtime.runs().find(id).orElseThrow().run().status(), id);
      assertTrue(
          out.get(id)
              .get(0)
              .contains(
                  "\"entryPoint\":\"shout\",\"status\":\"COMPLETED\",\"output\":\"HELLO "
                      + i
                      + "\""),
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
  void aConsumerSlowerThanItsProducerHoldsABoundedNumberOfRequests() throws Exception {
    slowMillis = 2;
    int n = 400;
    List<String> ids = ids("slow-", n);
    ids.forEach(id -> request(id, "s")); // the producer far ahead: a backlog of 400
    FirebreakRuntime runtime = node("node-a", 4);
    Intake intake = intake(runtime, "node-a");
    int mostWaiting = 0;
    int mostInFlight = 0;
    long backlogInTheBus = -1;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (intake.started() < n && System.nanoTime() < until) {
      mostWaiting = Math.max(mostWaiting, intake.waiting());
      mostInFlight = Math.max(mostInFlight, runtime.inFlightRuns());
      if (backlogInTheBus < 0 && intake.started() >= 40) {
        backlogInTheBus = n - intake.started() - intake.waiting(); // neither started nor held here
      }
      Thread.sleep(1);
    }
    await("every result", () -> published(results).size() == n, this::resultKeys);
    assertTrue(backlogInTheBus >= 200, "the backlog waited in the bus: " + backlogInTheBus);
    assertTrue(mostInFlight <= 4, "runs in flight: " + mostInFlight);
    assertTrue(
        mostWaiting <= 2 * 16,
        "held in memory at most a fetch or two, never the backlog: " + mostWaiting);
    await("resumed once the backlog is gone", () -> !intake.paused());
    await("every request acknowledged", () -> unacknowledged(requests, GROUP) == 0);
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
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
    // Its outcome too: published by node-b, which ended it, though node-a's intake began it.
    await("ten results", () -> published(results).keySet().containsAll(ids), this::resultKeys);
    for (String id : ids) {
      assertTrue(
          published(results).get(id).get(0).contains("\"status\":\"COMPLETED\""),
          published(results).get(id).toString());
    }
  }

  private String resultKeys() {
    return "results for " + new java.util.TreeSet<>(published(results).keySet());
  }

  @Test
  void aFailedRunPublishesItsResultAndItsDeadLetterUnderItsRunId() {
    request("fails", "boom");
    request("works", "fine");
    FirebreakRuntime runtime = node("node-a", 1000);
    intake(runtime, "node-a");

    await("both results", () -> published(results).size() == 2, this::resultKeys);
    await("the dead letter", () -> published(letters).containsKey("fails"));
    String failed = published(results).get("fails").get(0);
    assertTrue(failed.contains("\"status\":\"FAILED\",\"output\":null"), failed);
    assertTrue(failed.contains("the shouter lost its voice"), failed);
    String letter = published(letters).get("fails").get(0);
    assertTrue(letter.contains("\"runId\":\"fails\""), letter);
    assertTrue(letter.contains("\"step\":\"shout\""), letter);
    assertTrue(letter.contains("the shouter lost its voice"), letter);
    assertEquals(1, published(letters).size(), "no letter for the run that worked");
  }

  @Test
  void aClosingRuntimePublishesTheOutcomesOfRunsThatEndWithinItsGracePeriod() throws Exception {
    gate = new CountDownLatch(1);
    List<String> ids = ids("grace-", 3);
    ids.forEach(id -> request(id, "g"));
    FirebreakRuntime runtime = node("node-a", 1000, Duration.ofSeconds(30));
    intake(runtime, "node-a");
    await("three runs in flight", () -> calls.size() == 3);

    Thread closing = new Thread(runtime::close);
    closing.start();
    await(
        "close waiting for the runs in flight",
        () ->
            java.util.Arrays.stream(closing.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("awaitInFlight")));
    gate.countDown(); // the runs end within the grace period
    closing.join(TimeUnit.SECONDS.toMillis(60));
    assertTrue(!closing.isAlive(), "close returned");

    assertTrue(published(results).keySet().containsAll(ids), resultKeys());
    assertEquals("lost=0 duplicate_starts=0", ledger(ids));
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
