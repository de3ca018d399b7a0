package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.ForwardingCheckpointStore;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.store.SqliteStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes on one SQLite file with shared breakers, their manual times advanced together: a
 * breaker opened by one node's calls opens on the other, one node at a time makes the half-open
 * trial, and its outcome reaches every node.
 */
class SharedBreakersTest {
  private static final Duration OPEN_FOR = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final CircuitBreakerPolicy API =
      new CircuitBreakerPolicy("api", 2, OPEN_FOR, 1, List.of(Exception.class), List.of());

  @TempDir Path dir;
  private final ManualScheduler timeA = new ManualScheduler();
  private final ManualScheduler timeB = new ManualScheduler();
  private final AtomicInteger callsA = new AtomicInteger();
  private final AtomicInteger callsB = new AtomicInteger();
  private final List<FirebreakEvent> eventsB = new CopyOnWriteArrayList<>();
  private FirebreakRuntime a;
  private FirebreakRuntime b;
  private BoundEntryPoint onA;
  private BoundEntryPoint onB;

  @AfterEach
  void closeBoth() {
    for (FirebreakRuntime r : new FirebreakRuntime[] {a, b}) {
      if (r != null) {
        r.close();
        r.checkpointStore().close();
      }
    }
  }

  private final AtomicBoolean swapsFail = new AtomicBoolean();

  /** A node whose breaker writes fail while {@code swapsFail} is set (its reads still work). */
  private FirebreakRuntime nodeWithBoard(String id, ManualScheduler time) {
    Clock clock = Clock.fixed(time.now(), ZoneOffset.UTC);
    CheckpointStore sqlite =
        SqliteStore.open(dir.resolve("shared.db"), id, Duration.ofHours(1), clock);
    BreakerBoard real = sqlite.breakerBoard().orElseThrow();
    BreakerBoard failing =
        new BreakerBoard() {
          @Override
          public Entry swap(Entry next) {
            if (swapsFail.get()) {
              throw new StoreUnavailableException("the store is away", null);
            }
            return real.swap(next);
          }

          @Override
          public List<Entry> read(java.util.Collection<String> names) {
            return real.read(names);
          }
        };
    return FirebreakRuntime.builder()
        .executor(Runnable::run)
        .scheduler(time)
        .checkpointStore(
            new ForwardingCheckpointStore(sqlite) {
              @Override
              public Optional<BreakerBoard> breakerBoard() {
                return Optional.of(failing);
              }
            })
        .sharedBreakers(true)
        .shutdownGracePeriod(Duration.ZERO)
        .shutdownHook(false)
        .build();
  }

  private FirebreakRuntime node(String id, ManualScheduler time, List<FirebreakEvent> events) {
    Clock clock =
        Clock.fixed(time.now(), ZoneOffset.UTC); // leases do not matter here; breakers use time
    return FirebreakRuntime.builder()
        .executor(Runnable::run)
        .scheduler(time)
        .checkpointStore(SqliteStore.open(dir.resolve("shared.db"), id, Duration.ofHours(1), clock))
        .sharedBreakers(true)
        .listener(events::add)
        .shutdownGracePeriod(Duration.ZERO)
        .shutdownHook(false)
        .build();
  }

  /** A step behind breaker "api" that fails when its input is "fail". */
  private static BoundEntryPoint call(FirebreakRuntime runtime, AtomicInteger calls) {
    return Flow.of("pay", 1)
        .step(
            StepDescriptor.builder("call").inputs(0).circuitBreaker(API),
            sync(
                (s, ctx) -> {
                  calls.incrementAndGet();
                  if (s[0].equals("fail")) {
                    throw new IOException("gateway down");
                  }
                  return "ok";
                }))
        .bind(runtime);
  }

  private void start() {
    a = node("node-a", timeA, new ArrayList<>());
    b = node("node-b", timeB, eventsB);
    onA = call(a, callsA);
    onB = call(b, callsB);
  }

  @Test
  void aBreakerThatOpensOnOneNodeOpensOnTheOtherAtItsNextPollAndFailsFastThere() {
    start();
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.OPEN, a.circuitBreakerState("api").orElseThrow());
    awaitRecord(CircuitBreakerState.OPEN, null);
    assertEquals(CircuitBreakerState.CLOSED, b.circuitBreakerState("api").orElseThrow());

    advanceBoth(Duration.ofMillis(500)); // B's poll
    await(() -> b.circuitBreakerState("api").orElseThrow() == CircuitBreakerState.OPEN);
    WorkflowResult<Object> fast = onB.runForResult(null, "ok");
    assertInstanceOf(CircuitOpenException.class, fast.failure());
    assertEquals(0, callsB.get(), "B spends no call on a service A found down");
    assertTrue(
        eventsB.stream()
            .anyMatch(
                e ->
                    e instanceof FirebreakEvent.BreakerTransition t
                        && t.to() == CircuitBreakerState.OPEN),
        "B reports its own transition: " + eventsB);
  }

  @Test
  void oneNodeAtATimeMakesTheTrialAndItsSuccessClosesTheBreakerEverywhere() {
    start();
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    awaitRecord(CircuitBreakerState.OPEN, null);
    advanceBoth(Duration.ofMillis(500));
    await(() -> b.circuitBreakerState("api").orElseThrow() == CircuitBreakerState.OPEN);

    advanceBoth(OPEN_FOR);
    callsA.set(0);
    // A's first call after openFor asks for the trial and fails fast meanwhile.
    assertInstanceOf(CircuitOpenException.class, onA.runForResult(null, "ok").failure());
    awaitRecord(CircuitBreakerState.HALF_OPEN, "node-a");
    // B may not make a trial while A holds it.
    assertInstanceOf(CircuitOpenException.class, onB.runForResult(null, "ok").failure());
    assertEquals(0, callsB.get());

    assertEquals(WorkflowStatus.COMPLETED, onA.runForResult(null, "ok").status(), "A's trial");
    assertEquals(1, callsA.get());
    assertEquals(CircuitBreakerState.CLOSED, a.circuitBreakerState("api").orElseThrow());
    awaitRecord(CircuitBreakerState.CLOSED, null);
    advanceBoth(Duration.ofMillis(500));
    await(() -> b.circuitBreakerState("api").orElseThrow() == CircuitBreakerState.CLOSED);
    assertEquals(WorkflowStatus.COMPLETED, onB.runForResult(null, "ok").status());
    assertEquals(1, callsB.get());
  }

  @Test
  void aTrialNodeThatNeverReportsHoldsTheTrialForOpenForThenAnotherNodeTakesIt() {
    start();
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    awaitRecord(CircuitBreakerState.OPEN, null);
    advanceBoth(OPEN_FOR);
    onA.runForResult(null, "ok"); // asks for the trial, gets it, and then makes no call
    awaitRecord(CircuitBreakerState.HALF_OPEN, "node-a");

    advanceBoth(OPEN_FOR.minusSeconds(1));
    assertInstanceOf(CircuitOpenException.class, onB.runForResult(null, "ok").failure());
    await(() -> b.circuitBreakerState("api").orElseThrow() == CircuitBreakerState.OPEN);
    assertEquals(0, callsB.get(), "A still holds the trial");

    advanceBoth(Duration.ofSeconds(1));
    assertInstanceOf(CircuitOpenException.class, onB.runForResult(null, "ok").failure());
    awaitRecord(CircuitBreakerState.HALF_OPEN, "node-b");
    assertEquals(WorkflowStatus.COMPLETED, onB.runForResult(null, "ok").status(), "B's trial");
    assertEquals(1, callsB.get());
    awaitRecord(CircuitBreakerState.CLOSED, null);
  }

  @Test
  void aRunParkedWhileAnotherNodeHoldsTheTrialMakesTheTrialOnceThatHoldLapses() {
    start();
    AtomicInteger parkedCalls = new AtomicInteger();
    BoundEntryPoint parking =
        Flow.of("parking", 1)
            .inputCodecs(Codecs.STRING)
            .outputCodec(Codecs.STRING)
            .step(
                StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> s[0] + "!"))
            .step(
                StepDescriptor.builder("call").inputs(1).circuitBreaker(API),
                sync(
                    (s, ctx) -> {
                      parkedCalls.incrementAndGet();
                      return "ok";
                    }))
            .bind(b);
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    awaitRecord(CircuitBreakerState.OPEN, null);
    advanceBoth(OPEN_FOR);
    onA.runForResult(null, "ok"); // A takes the trial, then makes no call
    awaitRecord(CircuitBreakerState.HALF_OPEN, "node-a");
    advanceBoth(POLL);

    CompletableFuture<WorkflowResult<Object>> parked =
        parking.runAsyncForResult("parked-on-b", "x").toCompletableFuture();
    assertEquals(1, b.parkedRuns("api"), "B waits for A's trial");
    advanceBoth(OPEN_FOR.minus(POLL).minus(POLL));
    assertEquals(0, parkedCalls.get());
    assertTrue(!parked.isDone());

    advanceBoth(POLL.plus(POLL).plus(POLL)); // A's hold lapses: B's parked run takes the trial
    awaitRecord(CircuitBreakerState.CLOSED, null);
    assertEquals(WorkflowStatus.COMPLETED, parked.join().status());
    assertEquals(1, parkedCalls.get(), "one trial call, from B");
  }

  @Test
  void aBreakerWhoseOpeningWasNeverWrittenFollowsTheRecordAndClosesAgain() {
    a = nodeWithBoard("node-a", timeA);
    b = node("node-b", timeB, eventsB);
    onA = call(a, callsA);
    onB = call(b, callsB);
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    awaitRecord(CircuitBreakerState.OPEN, null);
    advanceBoth(OPEN_FOR);
    assertInstanceOf(CircuitOpenException.class, onB.runForResult(null, "ok").failure());
    awaitRecord(CircuitBreakerState.HALF_OPEN, "node-b");
    onB.runForResult(null, "ok"); // B's trial closes it: the record is CLOSED, version 3
    awaitRecord(CircuitBreakerState.CLOSED, null);
    advanceBoth(POLL);

    swapsFail.set(true); // the store refuses A's writes from here
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    assertEquals(CircuitBreakerState.OPEN, a.circuitBreakerState("api").orElseThrow());
    advanceBoth(POLL);
    assertEquals(
        CircuitBreakerState.CLOSED,
        a.circuitBreakerState("api").orElseThrow(),
        "the record says closed, and A's opening never reached it: A follows the record");
    assertEquals(CircuitBreakerState.CLOSED, b.circuitBreakerState("api").orElseThrow());
  }

  @Test
  void sharedBreakersNeedAStoreThatKeepsTheirRecords() {
    CheckpointStore noBoard =
        new ForwardingCheckpointStore(new InMemoryCheckpointStore()) {
          @Override
          public Optional<BreakerBoard> breakerBoard() {
            return Optional.empty();
          }
        };
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                FirebreakRuntime.builder()
                    .checkpointStore(noBoard)
                    .sharedBreakers(true)
                    .shutdownHook(false)
                    .build());
    assertTrue(e.getMessage().contains("keeps no shared breaker records"), e.getMessage());
  }

  @Test
  void aBreakerAnOperatorOpensOnOneNodeOpensOnTheOther() {
    start();
    onA.runForResult(null, "ok");
    onB.runForResult(null, "ok");
    assertTrue(a.forceOpen("api"));
    awaitRecord(CircuitBreakerState.OPEN, null);
    advanceBoth(POLL);
    await(() -> b.circuitBreakerState("api").orElseThrow() == CircuitBreakerState.OPEN);
    callsB.set(0);
    assertInstanceOf(CircuitOpenException.class, onB.runForResult(null, "ok").failure());
    assertEquals(0, callsB.get());
  }

  @Test
  void aBreakerAnOperatorClosesClosesEverywhereWhileAnotherNodeHoldsTheTrial() {
    start();
    onA.runForResult(null, "fail");
    onA.runForResult(null, "fail");
    awaitRecord(CircuitBreakerState.OPEN, null);
    advanceBoth(OPEN_FOR);
    onA.runForResult(null, "ok"); // asks for the trial
    awaitRecord(CircuitBreakerState.HALF_OPEN, "node-a");

    assertTrue(b.forceClosed("api"), "B closes it though A holds the trial");
    awaitRecord(CircuitBreakerState.CLOSED, null);
    advanceBoth(POLL);
    await(() -> a.circuitBreakerState("api").orElseThrow() == CircuitBreakerState.CLOSED);
    callsA.set(0);
    callsB.set(0);
    assertEquals(WorkflowStatus.COMPLETED, onA.runForResult(null, "ok").status());
    assertEquals(WorkflowStatus.COMPLETED, onB.runForResult(null, "ok").status());
    assertEquals(1, callsA.get());
    assertEquals(1, callsB.get());
  }

  /** Advances both nodes' time, a poll interval at a time, each poll done before the next. */
  private void advanceBoth(Duration d) {
    for (Duration left = d; !left.isZero(); ) {
      Duration step = left.compareTo(POLL) < 0 ? left : POLL;
      timeA.advance(step);
      timeB.advance(step);
      a.awaitSharedBreakers();
      b.awaitSharedBreakers();
      left = left.minus(step);
    }
  }

  /** Waits (bounded) for the record of "api" to reach {@code state} (held by {@code node}). */
  private void awaitRecord(CircuitBreakerState state, String node) {
    BreakerBoard board = a.checkpointStore().breakerBoard().orElseThrow();
    await(
        () -> {
          BreakerBoard.Entry e = board.read(List.of("api")).get(0);
          return e.state() == state && (node == null || node.equals(e.trialNode()));
        });
  }

  /** Waits (bounded, in real time) for the breakers' thread to have done its part. */
  private static void await(BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not reached within 10 s");
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
