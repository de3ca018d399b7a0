package dev.firebreak.benchmarks;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.kafka.KafkaBroker;
import dev.firebreak.runtime.kafka.KafkaTransport;
import dev.firebreak.runtime.redis.RedisStreamsTransport;
import dev.firebreak.runtime.remote.CallRecords;
import dev.firebreak.runtime.remote.FirebreakWorker;
import dev.firebreak.runtime.remote.RemoteTopics;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * The latency a remote step adds: one run at a time of a one-step workflow, its step in process or
 * called over the bus (Redis Streams, Kafka) to a worker in this JVM, the run's whole latency
 * measured per run, p50 and p99 printed beside the in-process step's in the same run; Kafka with
 * the transport's {@code linger.ms} (0) and with Kafka's own default (5 ms). The broker, Redis,
 * worker and orchestrator share this machine's cores. Usage: {@code RemoteLatency [runs per row,
 * default 2000]} (a fifth more runs first, to warm up, not counted).
 */
public final class RemoteLatency {
  private RemoteLatency() {}

  private static final String AGENT = "bench.Shouter";

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    RedisServer redisServer =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("appendonly no")
            .build();
    redisServer.start();
    try (KafkaBroker kafka = KafkaBroker.start();
        RedisClient redis = RedisClient.create("127.0.0.1", port)) {
      System.out.printf(
          "%-22s %10s %10s %14s %14s%n", "step", "p50 µs", "p99 µs", "added p50", "added p99");
      long[] local = row(runs, null, null);
      print("in process", local, local);
      RemoteTopics kafkaTopics = new RemoteTopics("kcalls.", "workers.", "kreplies");
      kafka.createTopics(3, kafkaTopics.calls(AGENT), kafkaTopics.replies());
      print(
          "Kafka",
          row(runs, () -> KafkaTransport.open(kafka.bootstrapServers(), 16), kafkaTopics),
          local);
      RemoteTopics eager = new RemoteTopics("k5calls.", "workers.", "k5replies");
      kafka.createTopics(3, eager.calls(AGENT), eager.replies());
      print(
          "Kafka, linger.ms=5",
          row(
              runs,
              () ->
                  KafkaTransport.open(
                      java.util.Map.of(
                          "bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 5),
                      16),
              eager),
          local);
      print(
          "Redis Streams",
          row(
              runs,
              () ->
                  RedisStreamsTransport.open(
                      redis, "n" + System.nanoTime(), Duration.ofSeconds(30), 16),
              new RemoteTopics("rcalls.", "workers.", "rreplies")),
          local);
    } finally {
      redisServer.stop();
    }
  }

  private static void print(String name, long[] nanos, long[] local) {
    System.out.printf(
        "%-22s %,10.0f %,10.0f %,14.0f %,14.0f%n",
        name,
        pct(nanos, 50) / 1e3,
        pct(nanos, 99) / 1e3,
        (pct(nanos, 50) - pct(local, 50)) / 1e3,
        (pct(nanos, 99) - pct(local, 99)) / 1e3);
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /** Each run's latency in ns, sorted; over the bus if {@code bus} is given. */
  private static long[] row(int runs, Supplier<Transport> bus, RemoteTopics topics)
      throws Exception {
    Transport orchestratorBus = bus == null ? null : bus.get();
    Transport workerBus = bus == null ? null : bus.get();
    FirebreakWorker worker =
        bus == null
            ? null
            : FirebreakWorker.builder(workerBus)
                .topics(topics)
                .records(CallRecords.inMemory())
                .agent(new Shouter())
                .start();
    FirebreakRuntime.Builder b =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .mdc(false)
            .shutdownGracePeriod(Duration.ZERO)
            .shutdownHook(false);
    if (bus != null) {
      b.remoteAgents(orchestratorBus, topics, AGENT);
    }
    long[] nanos = new long[runs];
    try (FirebreakRuntime runtime = b.build()) {
      BoundEntryPoint entry =
          Flow.of("shout", 1)
              .step(
                  StepDescriptor.builder("shout").inputs(0),
                  Duration.ofSeconds(30),
                  StepBinding.sync((s, ctx) -> shout((String) s[0]))
                      .remotable(
                          new StepBinding.Remotable(AGENT, List.of(Codecs.STRING), Codecs.STRING)))
              .bind(runtime);
      int warm = runs / 5;
      for (int i = 0; i < warm + runs; i++) {
        long t0 = System.nanoTime();
        entry.run(null, "hello " + i);
        long took = System.nanoTime() - t0;
        if (i >= warm) {
          nanos[i - warm] = took;
        }
      }
    } finally {
      if (worker != null) {
        worker.close();
        workerBus.close();
        orchestratorBus.close();
      }
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static String shout(String s) {
    return s.toUpperCase(Locale.ROOT);
  }

  /** The worker's side of the one step. */
  private static final class Shouter implements AgentDispatch {
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
      return List.of(Codecs.STRING);
    }

    @Override
    public CheckpointCodec<?> outputCodec(String step) {
      return Codecs.STRING;
    }

    @Override
    public Object call(String step, Object[] inputs, StepContext context) {
      return shout((String) inputs[0]);
    }
  }
}
