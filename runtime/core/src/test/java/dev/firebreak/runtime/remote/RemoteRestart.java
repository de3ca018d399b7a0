package dev.firebreak.runtime.remote;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.StepContext;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The bus's server restarted under remote calls in flight: 100 runs, each a remote step of 20 ms
 * with retries, a worker serving at most 8 at a time, the server restarted once some have ended.
 * Calls and replies that meet the outage are sent again; every run completes, and the agent's own
 * count of effects per idempotency key is the ledger.
 */
public final class RemoteRestart {
  private RemoteRestart() {}

  /** What happened: "lost=N duplicate_effects=M", and how many runs ended before the restart. */
  public record Outcome(String ledger, int completed, int endedBeforeRestart) {}

  /** Runs the scenario; {@code restart} stops and starts the server, returning once it is back. */
  public static Outcome run(Supplier<Transport> transports, RemoteTopics topics, Runnable restart)
      throws Exception {
    Map<String, AtomicInteger> effects = new ConcurrentHashMap<>();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      Transport workerBus = transports.get();
      open.add(workerBus);
      open.add(
          FirebreakWorker.builder(workerBus)
              .topics(topics)
              .concurrency(8)
              .agent(new Slow(effects))
              .start());
      Transport orchestratorBus = transports.get();
      open.add(orchestratorBus);
      FirebreakRuntime runtime =
          FirebreakRuntime.builder()
              .checkpointStore(new InMemoryCheckpointStore())
              .remoteAgents(orchestratorBus, topics, Slow.AGENT)
              .shutdownGracePeriod(Duration.ZERO)
              .shutdownHook(false)
              .build();
      open.add(runtime);
      RetryPolicy retry =
          RetryPolicy.builder()
              .maxAttempts(20)
              .delay(Duration.ofMillis(250))
              .multiplier(1.0)
              .jitter(0)
              .retryOn(Exception.class)
              .build();
      BoundEntryPoint entry =
          Flow.of("slow", 1)
              .inputCodecs(Codecs.STRING)
              .outputCodec(Codecs.STRING)
              .step(
                  StepDescriptor.builder("slow").inputs(0).retry(retry),
                  Duration.ofSeconds(5),
                  StepBinding.sync(
                          (s, ctx) -> {
                            throw new AssertionError("the agent is remote");
                          })
                      .remotable(
                          new StepBinding.Remotable(
                              Slow.AGENT, List.of(Codecs.STRING), Codecs.STRING)))
              .bind(runtime);
      AtomicInteger ended = new AtomicInteger();
      List<CompletableFuture<WorkflowResult<Object>>> runs = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        runs.add(
            entry
                .runAsyncForResult("restart-" + i, "r" + i)
                .toCompletableFuture()
                .whenComplete((r, e) -> ended.incrementAndGet()));
        keys.add("restart-" + i + ":slow");
      }
      IntakeContract.await("some runs ended before the restart", () -> ended.get() >= 10);
      int before = ended.get();
      restart.run();
      int completed = 0;
      for (CompletableFuture<WorkflowResult<Object>> r : runs) {
        if (r.get(3, TimeUnit.MINUTES).status() == WorkflowStatus.COMPLETED) {
          completed++;
        }
      }
      return new Outcome(RemoteStepContract.ledger(keys, effects), completed, before);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
    }
  }

  /** A 20 ms step; each call that returns counts an effect under its idempotency key. */
  private static final class Slow implements AgentDispatch {
    static final String AGENT = "test.Slow";
    private final Map<String, AtomicInteger> effects;

    Slow(Map<String, AtomicInteger> effects) {
      this.effects = effects;
    }

    @Override
    public String agent() {
      return AGENT;
    }

    @Override
    public List<String> steps() {
      return List.of("slow");
    }

    @Override
    public List<CheckpointCodec<?>> inputCodecs(String step) {
      return List.of(Codecs.STRING);
    }

    @Override
    public CheckpointCodec<?> outputCodec(String step) {
      return Codecs.STRING;
    }

    @Override
    public Object call(String step, Object[] inputs, StepContext context) throws Exception {
      Thread.sleep(20);
      effects.computeIfAbsent(context.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet();
      return ((String) inputs[0]).toUpperCase(Locale.ROOT);
    }
  }
}
