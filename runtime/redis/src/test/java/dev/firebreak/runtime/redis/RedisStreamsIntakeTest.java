package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Intake;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.bus.Subscription;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.embedded.RedisServer;

/**
 * Redis as bus and store: an entry point bound to a stream of requests, on a real Redis on
 * 127.0.0.1. A ledger outside the store (the agent's own count of calls per run) judges each case:
 * no request lost, no run started twice.
 */
class RedisStreamsIntakeTest {
  private static RedisServer server;
  private static RedisClient redis;
  private static int port;
  private static final AtomicInteger namespaces = new AtomicInteger();

  private final String ns = "t" + namespaces.incrementAndGet() + ":";
  private final String requests = ns + "requests";
  private final String results = ns + "results";
  private final String letters = ns + "dead-letters";
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  @BeforeAll
  static void startServer() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    server =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("appendonly no")
            .build();
    server.start();
    redis = RedisClient.create("127.0.0.1", port);
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (redis != null) {
      redis.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    gate.countDown();
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A node: a runtime on the Redis store, its transport, and the intake of "shout". */
  /** Set while the store refuses to open runs, as a store that is away does. */
  private final java.util.concurrent.atomic.AtomicBoolean storeAway =
      new java.util.concurrent.atomic.AtomicBoolean();

  private FirebreakRuntime node(String id, int maxInFlight, Duration claimAfter) {
    RedisStore store =
        RedisStore.open(redis, ns, null, id, Duration.ofSeconds(6), java.time.Clock.systemUTC());
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(
                new dev.firebreak.runtime.store.ForwardingCheckpointStore(store) {
                  @Override
                  public dev.firebreak.runtime.RunRecord open(
                      String runId,
                      String workflow,
                      String entryPoint,
                      String graphHash,
                      byte[] inputs) {
                    if (storeAway.get()) {
                      throw new dev.firebreak.runtime.StoreUnavailableException(
                          "the store is away", null);
                    }
                    return super.open(runId, workflow, entryPoint, graphHash, inputs);
                  }
                })
            .maxInFlightRuns(maxInFlight)
            .shutdownGracePeriod(Duration.ZERO)
            .shutdownHook(false)
            .build();
    open.add(() -> runtime.checkpointStore().close());
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
                  return ((String) s[0]).toUpperCase(java.util.Locale.ROOT);
                }))
        .bind(runtime);
    return runtime;
  }

  private Intake intake(FirebreakRuntime runtime, RedisStreamsTransport transport) {
    Intake intake =
        runtime.intake(
            transport,
            "test.Flow",
            "shout",
            IntakeTopics.of(requests, "shouters").results(results).deadLetters(letters));
    open.add(intake);
    return intake;
  }

  private RedisStreamsTransport transport(String consumer, Duration claimAfter) {
    RedisStreamsTransport transport = RedisStreamsTransport.open(redis, consumer, claimAfter, 16);
    open.add(transport);
    return transport;
  }

  private void request(String runId, String text) {
    redis.xadd(requests, XAddParams.xAddParams(), Map.of("k", runId, "v", "[\"" + text + "\"]"));
  }

  /** The entries of a stream, by key. */
  private Map<String, List<String>> published(String stream) {
    Map<String, List<String>> byKey = new ConcurrentHashMap<>();
    for (StreamEntry e : redis.xrange(stream, (StreamEntryID) null, (StreamEntryID) null)) {
      byKey
          .computeIfAbsent(e.getFields().get("k"), k -> new CopyOnWriteArrayList<>())
          .add(e.getFields().get("v"));
    }
    return byKey;
  }

  private long pending() {
    return redis.xpending(requests, "shouters").getTotal();
  }

  private static void await(String what, BooleanSupplier done) {
    await(what, done, () -> "");
  }

  private static void await(
      String what, BooleanSupplier done, java.util.function.Supplier<String> state) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= until) {
        throw new AssertionError("not within 30 s: " + what + " " + state.get());
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
    for (int i = 0; i < 100; i++) {
      request("run-" + i, "hello " + i);
    }
    for (int i = 0; i < 10; i++) {
      request("run-" + i, "hello " + i); // sent twice: attaches, never a second run
    }
    FirebreakRuntime runtime = node("node-a", 1000, Duration.ofSeconds(30));
    Intake intake = intake(runtime, transport("node-a", Duration.ofSeconds(30)));

    await(
        "110 results",
        () -> published(results).values().stream().mapToInt(List::size).sum() >= 110);
    await("every request acknowledged", () -> pending() == 0);
    Map<String, List<String>> out = published(results);
    int lost = 0;
    int duplicateStarts = 0;
    for (int i = 0; i < 100; i++) {
      String id = "run-" + i;
      AtomicInteger n = calls.get(id);
      lost += n == null ? 1 : 0;
      duplicateStarts += n != null && n.get() > 1 ? 1 : 0;
      assertEquals(
          WorkflowStatus.COMPLETED, runtime.runs().find(id).orElseThrow().run().status(), id);
      assertTrue(
          out.get(id).get(0).contains("\"status\":\"COMPLETED\",\"output\":\"HELLO " + i + "\""),
          out.get(id).toString());
    }
    assertEquals(
        "lost=0 duplicate_starts=0", "lost=" + lost + " duplicate_starts=" + duplicateStarts);
    assertEquals(110, intake.started());
    assertEquals(0, intake.poisoned());
  }

  @Test
  void anUnreadableRequestBecomesADeadLetterAndNeverStallsTheStream() {
    request("good-1", "a");
    redis.xadd(requests, XAddParams.xAddParams(), Map.of("k", "good-2", "v", "{not json"));
    redis.xadd(requests, XAddParams.xAddParams(), Map.of("v", "[\"no key\"]"));
    redis.xadd(requests, XAddParams.xAddParams(), Map.of("k", "good-2", "v", "[\"b\", \"c\"]"));
    request("good-2", "b");
    FirebreakRuntime runtime = node("node-a", 1000, Duration.ofSeconds(30));
    Intake intake = intake(runtime, transport("node-a", Duration.ofSeconds(30)));

    await("both good runs", () -> published(results).size() == 2);
    await("every request acknowledged", () -> pending() == 0);
    assertEquals(3, intake.poisoned());
    List<DeadLetter> dead = runtime.deadLetters().list();
    assertEquals(3, dead.size(), dead.toString());
    for (DeadLetter d : dead) {
      assertTrue(d.runId().startsWith("poison:" + requests + "@"), d.runId());
      assertEquals(DeadLetterReason.INVALID_INPUT, d.reason());
    }
    assertTrue(
        dead.get(0).errorChain().get(0).contains("(key \"good-2\") cannot start a run"),
        dead.toString());
    assertTrue(dead.get(1).errorChain().get(0).contains("the request has no key"), dead.toString());
    assertTrue(
        dead.get(2).errorChain().get(0).contains("expected 1 inputs, found more"), dead.toString());
    assertEquals(
        WorkflowStatus.COMPLETED,
        runtime.runs().find("good-2").orElseThrow().run().status(),
        "a poison record with the key good-2 never touched run good-2");
    assertTrue(runtime.deadLetters().find("good-2").isEmpty());
    assertEquals(3, published(letters).size(), "each dead letter published under its own id");
  }

  @Test
  void aFullRuntimePausesTheStreamAndDropsNothing() {
    gate = new CountDownLatch(1);
    for (int i = 0; i < 60; i++) {
      request("held-" + i, "x");
    }
    FirebreakRuntime runtime = node("node-a", 2, Duration.ofSeconds(30));
    Intake intake = intake(runtime, transport("node-a", Duration.ofSeconds(30)));

    await(
        "the runtime full",
        () -> runtime.inFlightRuns() == 2 && intake.paused() && calls.size() == 2);
    long waiting = pending(); // delivered, not acknowledged: waiting in the intake
    assertTrue(
        waiting <= 2 * 16, "paused: at most a fetch or two wait, not the stream: " + waiting);
    assertEquals(2, calls.size());

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
                + " pending="
                + pending()
                + " paused="
                + intake.paused()
                + " inFlight="
                + runtime.inFlightRuns());
    await("every request acknowledged", () -> pending() == 0);
    assertEquals(60, calls.size());
    assertTrue(calls.values().stream().allMatch(n -> n.get() == 1), calls.toString());
    assertTrue(!intake.paused());
  }

  @Test
  void aRequestIsAcknowledgedOnlyOnceItsRunIsInTheStore() {
    storeAway.set(true);
    for (int i = 0; i < 5; i++) {
      request("later-" + i, "z");
    }
    FirebreakRuntime runtime = node("node-a", 1000, Duration.ofMillis(300));
    Intake intake = intake(runtime, transport("node-a", Duration.ofMillis(300)));
    await("five refused opens", () -> intake.started() >= 5);
    assertEquals(5, pending(), "none acknowledged while the store could not open the runs");
    assertTrue(calls.isEmpty());

    storeAway.set(false); // back: the pending requests are delivered again and start
    await("all five", () -> published(results).size() == 5);
    await("every request acknowledged", () -> pending() == 0);
    assertEquals(5, calls.size());
    assertTrue(calls.values().stream().allMatch(n -> n.get() == 1), calls.toString());
    assertTrue(runtime.deadLetters().list().isEmpty(), "a store away is not a poison request");
  }

  @Test
  void requestsADeadConsumerHeldAreClaimedByAnotherNode() {
    for (int i = 0; i < 20; i++) {
      request("orphan-" + i, "y");
    }
    // A consumer that takes every request and dies without acknowledging one.
    RedisStreamsTransport dying = transport("node-dead", Duration.ofSeconds(30));
    List<Delivery> taken = new CopyOnWriteArrayList<>();
    Subscription held = dying.subscribe(requests, "shouters", taken::add);
    await("the dead node took them all", () -> taken.size() == 20);
    held.close();
    assertEquals(20, pending());

    FirebreakRuntime runtime = node("node-b", 1000, Duration.ofMillis(300));
    intake(runtime, transport("node-b", Duration.ofMillis(300)));
    await("all 20 by node-b", () -> published(results).size() == 20);
    await("every request acknowledged", () -> pending() == 0);
    assertEquals(20, calls.size());
    assertTrue(calls.values().stream().allMatch(n -> n.get() == 1), calls.toString());
  }
}
