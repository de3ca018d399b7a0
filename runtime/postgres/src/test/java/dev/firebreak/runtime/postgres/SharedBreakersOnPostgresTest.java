package dev.firebreak.runtime.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.FirebreakEvent;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Shared breakers between two nodes on a real PostgreSQL, in real time: each of ten breakers opened
 * by node A's calls opens on node B, through A's NOTIFY (or B's poll), and B's calls then fail fast
 * without reaching the service. Prints how long after A each one opened on B.
 */
class SharedBreakersOnPostgresTest {
  private static final int BREAKERS = 10;

  @Test
  void aBreakerOpenedOnOneNodeOpensOnTheOtherAndItsCallsNeverReachTheService() throws Exception {
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start()) {
      Map<String, Long> openedOnA = new ConcurrentHashMap<>();
      Map<String, Long> openedOnB = new ConcurrentHashMap<>();
      AtomicInteger callsOnB = new AtomicInteger();
      try (FirebreakRuntime a = node(pg, openedOnA);
          FirebreakRuntime b = node(pg, openedOnB)) {
        List<BoundEntryPoint> onA = new ArrayList<>();
        List<BoundEntryPoint> onB = new ArrayList<>();
        for (int i = 0; i < BREAKERS; i++) {
          onA.add(bind(a, "svc-" + i, new AtomicInteger()));
          onB.add(bind(b, "svc-" + i, callsOnB));
        }
        for (int i = 0; i < BREAKERS; i++) {
          onA.get(i).runForResult(null, "fail");
          onA.get(i).runForResult(null, "fail");
          assertEquals(CircuitBreakerState.OPEN, a.circuitBreakerState("svc-" + i).orElseThrow());
          String name = "svc-" + i;
          long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
          while (!openedOnB.containsKey(name)) {
            assertTrue(System.nanoTime() < deadline, name + " did not open on B within 10 s");
            Thread.sleep(1);
          }
          WorkflowResult<Object> fast = onB.get(i).runForResult(null, "ok");
          assertTrue(fast.failure() instanceof dev.firebreak.runtime.CircuitOpenException);
        }
        assertEquals(0, callsOnB.get(), "B never called a service A had found down");
        List<Long> delays = new ArrayList<>();
        openedOnA.forEach((name, t) -> delays.add((openedOnB.get(name) - t) / 1_000_000));
        delays.sort(null);
        System.out.printf(
            "shared breakers on PostgreSQL: opened on the other node after p50 %d ms, max %d ms"
                + " (%d breakers)%n",
            delays.get(delays.size() / 2), delays.get(delays.size() - 1), delays.size());
        a.checkpointStore().close();
        b.checkpointStore().close();
      }
    }
  }

  private static FirebreakRuntime node(EmbeddedPostgres pg, Map<String, Long> opened) {
    return FirebreakRuntime.builder()
        .checkpointStore(PostgresStore.open(pg.getPostgresDatabase()))
        .executor(Runnable::run)
        .sharedBreakers(true)
        .shutdownHook(false)
        .shutdownGracePeriod(Duration.ZERO)
        .listener(
            e -> {
              if (e instanceof FirebreakEvent.BreakerTransition t
                  && t.to() == CircuitBreakerState.OPEN) {
                opened.putIfAbsent(t.breaker(), System.nanoTime());
              }
            })
        .build();
  }

  /** One step behind breaker {@code name} (threshold 2, open 1 min) that fails on "fail". */
  private static BoundEntryPoint bind(FirebreakRuntime runtime, String name, AtomicInteger calls) {
    CircuitBreakerPolicy policy =
        new CircuitBreakerPolicy(
            name, 2, Duration.ofMinutes(1), 1, List.of(Exception.class), List.of());
    StepDescriptor step =
        StepDescriptor.builder("call")
            .inputs(0)
            .timeout(Duration.ofSeconds(30))
            .circuitBreaker(policy)
            .build();
    return runtime.bind(
        new EntryPointPlan(
            "it.Breakers" + name.replace("-", ""),
            "call",
            List.of("java.lang.String"),
            List.of(step),
            1,
            null,
            "h",
            List.of(Codecs.STRING),
            Codecs.STRING),
        List.of(
            StepBinding.sync(
                (s, ctx) -> {
                  calls.incrementAndGet();
                  if ("fail".equals(s[0])) {
                    throw new IOException("service down");
                  }
                  return "ok";
                })));
  }
}
