package dev.firebreak.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.NodeBreakers;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each node's breaker states in the store, for a console on any node. */
class BreakerReportsTest {
  @TempDir Path dir;

  private static SortedMap<String, CircuitBreakerState> states(Object... nameAndState) {
    SortedMap<String, CircuitBreakerState> m = new TreeMap<>();
    for (int i = 0; i < nameAndState.length; i += 2) {
      m.put((String) nameAndState[i], (CircuitBreakerState) nameAndState[i + 1]);
    }
    return m;
  }

  @Test
  void aReportIsWrittenWhenAStateChangesAndAtLeastEveryMinute() {
    KeyValues values = new InMemoryCheckpointStore().keyValues().orElseThrow();
    BreakerReports reports = new BreakerReports(values, "node-a");
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    reports.publish(states("ocr-api", CircuitBreakerState.OPEN), t);
    byte[] first = values.get(BreakerReports.NAMESPACE, "node-a").orElseThrow();

    reports.publish(states("ocr-api", CircuitBreakerState.OPEN), t.plusSeconds(30));
    assertArrayEquals(
        first,
        values.get(BreakerReports.NAMESPACE, "node-a").orElseThrow(),
        "the same states within a minute: not written again");

    reports.publish(states("ocr-api", CircuitBreakerState.HALF_OPEN), t.plusSeconds(31));
    List<NodeBreakers> read = BreakerReports.read(values);
    assertEquals(1, read.size());
    assertEquals(Map.of("ocr-api", CircuitBreakerState.HALF_OPEN), read.get(0).states());
    assertEquals(t.plusSeconds(31), read.get(0).reportedAt());

    reports.publish(states("ocr-api", CircuitBreakerState.HALF_OPEN), t.plusSeconds(95));
    assertEquals(t.plusSeconds(95), BreakerReports.read(values).get(0).reportedAt(), "refreshed");

    reports.remove();
    assertTrue(BreakerReports.read(values).isEmpty());
  }

  @Test
  void aReportThatCannotBeReadIsLeftOut() {
    KeyValues values = new InMemoryCheckpointStore().keyValues().orElseThrow();
    values.put(BreakerReports.NAMESPACE, "garbled", "{\"at\":".getBytes(StandardCharsets.UTF_8));
    values.put(
        BreakerReports.NAMESPACE,
        "newer",
        "{\"at\":5,\"states\":{\"x\":\"SIDEWAYS\"}}".getBytes(StandardCharsets.UTF_8));
    values.put(
        BreakerReports.NAMESPACE,
        "fine",
        BreakerReports.encode(states("x", CircuitBreakerState.CLOSED), 7));
    List<NodeBreakers> read = BreakerReports.read(values);
    assertEquals(1, read.size());
    assertEquals("fine", read.get(0).node());
  }

  @Test
  void aNodeReportsWithItsHeartbeatAndEveryNodeIsShownThisOneAsItIsNow() {
    Path db = dir.resolve("nodes.db");
    FirebreakRuntime runtime = FirebreakRuntime.builder().sqlite(db).shutdownHook(false).build();
    try {
      KeyValues values = runtime.checkpointStore().keyValues().orElseThrow();
      assertTrue(
          values.get(BreakerReports.NAMESPACE, runtime.nodeId()).isPresent(),
          "the first heartbeat reports");
      values.put(
          BreakerReports.NAMESPACE,
          "other-node",
          BreakerReports.encode(states("ledger", CircuitBreakerState.OPEN), 1_000));
      dev.firebreak.runtime.Flow.of("scan", 1)
          .step(
              dev.firebreak.runtime.graph.StepDescriptor.builder("ocr")
                  .inputs(0)
                  .circuitBreaker(
                      dev.firebreak.runtime.graph.CircuitBreakerPolicy.builder("ocr-api").build()),
              dev.firebreak.runtime.Flow.sync((s, ctx) -> "read"))
          .bind(runtime);
      assertTrue(runtime.forceOpen("ocr-api"));
      List<NodeBreakers> nodes = runtime.breakersByNode();
      assertEquals(2, nodes.size(), nodes.toString());
      NodeBreakers other =
          nodes.stream().filter(n -> n.node().equals("other-node")).findFirst().orElseThrow();
      assertEquals(Map.of("ledger", CircuitBreakerState.OPEN), other.states());
      NodeBreakers self =
          nodes.stream().filter(n -> n.node().equals(runtime.nodeId())).findFirst().orElseThrow();
      assertEquals(CircuitBreakerState.OPEN, self.states().get("ocr-api"), "as it is now");
    } finally {
      runtime.close();
    }
    try (var store = dev.firebreak.runtime.store.SqliteStore.open(db)) {
      KeyValues values = store.keyValues().orElseThrow();
      assertFalse(
          values.keys(BreakerReports.NAMESPACE).stream().anyMatch(n -> !n.equals("other-node")),
          "a node that leaves takes its report away");
    }
  }
}
