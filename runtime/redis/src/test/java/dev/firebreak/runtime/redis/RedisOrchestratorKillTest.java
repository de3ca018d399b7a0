package dev.firebreak.runtime.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.IntakeContract;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.remote.FirebreakWorker;
import dev.firebreak.runtime.remote.RemoteStepContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An orchestrator node SIGKILLed with remote calls outstanding, in its own JVM: its store and bus
 * are one Redis on 127.0.0.1, the worker and a second node run here. The killed node's runs are
 * taken over once its lease lapses; the new owner calls again under the same idempotency keys, and
 * the worker answers the calls it already finished from its record, so the agent's own count of
 * effects per key — the ledger, outside the stores — reads {@code lost=0 duplicate_effects=0}.
 */
class RedisOrchestratorKillTest {
  private static final int RUNS = 12;
  private static final long CALL_MILLIS = 1500;

  @TempDir Path dir;

  /** Effects applied per idempotency key. */
  private final Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();

  private final AtomicInteger inCall = new AtomicInteger();

  @Test
  void aKilledNodesRunsAreTakenOverAndEachCallHasOneEffect() throws Exception {
    String namespace = "kill:";
    String prefix = "kill";
    try (LocalRedis local = LocalRedis.start();
        FirebreakWorker worker =
            FirebreakWorker.builder(
                    RedisStreamsTransport.open(
                        local.client(), "worker-1", Duration.ofMillis(300), 16))
                .workerId("worker-1")
                .topics(KilledOrchestrator.topics(prefix))
                .records(RedisCallRecords.open(local.client(), "kill-records:"))
                .concurrency(4)
                .agent(new SlowShouter())
                .start();
        FirebreakRuntime survivor =
            KilledOrchestrator.node(local.client(), namespace, prefix, "node-b")) {
      KilledOrchestrator.bind(survivor);
      Path log = dir.resolve("node-a.log");
      Process killed = start(local.port(), namespace, prefix, log);
      try {
        IntakeContract.await(
            "node-a's runs opened and four calls at the worker",
            () -> opened(survivor) == RUNS && inCall.get() == 4,
            () -> "opened=" + opened(survivor) + " inCall=" + inCall.get() + " " + read(log));
        for (int i = 0; i < RUNS; i++) {
          assertEquals("node-a", summary(survivor, i).orElseThrow().owner(), "run-" + i);
        }
        killed.destroyForcibly(); // SIGKILL: no leave, no hand-back; four calls still running
        assertTrue(killed.waitFor(10, TimeUnit.SECONDS), "node-a gone");
      } finally {
        killed.destroyForcibly();
      }

      IntakeContract.await(
          "every run completed by node-b",
          () -> completed(survivor) == RUNS,
          () -> "completed=" + completed(survivor));
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        RunSummary run = survivor.runs().find("run-" + i, true).orElseThrow().run();
        assertEquals(Optional.of("\"TEXT " + i + "\""), run.outputJson(), run.toString());
        keys.add("run-" + i + ":shout");
      }
      assertEquals("lost=0 duplicate_effects=0", RemoteStepContract.ledger(keys, effects));
      // The four calls running at the kill finished with nobody to reply to; node-b's calls of
      // them were answered from the worker's record.
      assertTrue(
          worker.answeredFromRecord() >= 4, "answered from record: " + worker.answeredFromRecord());
    }
  }

  private Process start(int port, String namespace, String prefix, Path log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            KilledOrchestrator.class.getName(),
            Integer.toString(port),
            namespace,
            prefix,
            "node-a",
            Integer.toString(RUNS))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static Optional<RunSummary> summary(FirebreakRuntime node, int i) {
    return node.runs().find("run-" + i).map(d -> d.run());
  }

  private static int opened(FirebreakRuntime node) {
    int n = 0;
    for (int i = 0; i < RUNS; i++) {
      n += summary(node, i).isPresent() ? 1 : 0;
    }
    return n;
  }

  private static int completed(FirebreakRuntime node) {
    int n = 0;
    for (int i = 0; i < RUNS; i++) {
      n += summary(node, i).map(r -> r.status() == WorkflowStatus.COMPLETED).orElse(false) ? 1 : 0;
    }
    return n;
  }

  /** shout(String) -> String, taking {@link #CALL_MILLIS}; its effect counted per key. */
  private final class SlowShouter implements AgentDispatch {
    @Override
    public String agent() {
      return KilledOrchestrator.AGENT;
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
      inCall.incrementAndGet();
      try {
        Thread.sleep(CALL_MILLIS);
      } finally {
        inCall.decrementAndGet();
      }
      effects.computeIfAbsent(context.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
      return ((String) inputs[0]).toUpperCase(Locale.ROOT);
    }
  }
}
