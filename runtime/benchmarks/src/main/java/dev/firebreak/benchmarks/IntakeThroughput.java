package dev.firebreak.benchmarks;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.bus.Intake;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.kafka.KafkaBroker;
import dev.firebreak.runtime.kafka.KafkaTransport;
import dev.firebreak.runtime.redis.RedisStreamsTransport;
import dev.firebreak.runtime.store.SqliteStore;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * Runs per second through an entry point's intake on Kafka and on Redis Streams, at 1 and 3 nodes,
 * beside direct calls of the entry point in the same run: the same one-step checkpointed workflow
 * on the same SQLite store (one file; the nodes are runtimes in this JVM). The requests are
 * published first; a row times the nodes from their start (joining the consumer group included)
 * until the store holds every run COMPLETED. Broker, Redis, store and nodes share this machine's
 * cores (name that limit beside any figure). Each row is run 3 times; the median is printed. Usage:
 * {@code IntakeThroughput [requests per row, default 5000] [node counts, default 1,3]}.
 */
public final class IntakeThroughput {
  private IntakeThroughput() {}

  private static int row;

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    int[] counts =
        Arrays.stream((args.length > 1 ? args[1] : "1,3").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
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
      double direct = median(() -> direct(requests));
      System.out.printf("%-22s %6s %10s %12s%n", "intake", "nodes", "runs/s", "vs direct");
      System.out.printf("%-22s %6d %,10.0f %12s%n", "direct async calls", 1, direct, "1.00");
      for (int nodes : counts) {
        double viaKafka =
            median(
                () ->
                    viaBus(
                        requests,
                        nodes,
                        topic -> {
                          kafka.createTopics(6, topic);
                          try (Transport publisher =
                              KafkaTransport.open(kafka.bootstrapServers(), 100)) {
                            publishAll(publisher, topic, requests);
                          }
                        },
                        node -> KafkaTransport.open(kafka.bootstrapServers(), 100)));
        System.out.printf(
            "%-22s %6d %,10.0f %12.2f%n",
            "Kafka (6 partitions)", nodes, viaKafka, viaKafka / direct);
        double viaRedis =
            median(
                () ->
                    viaBus(
                        requests,
                        nodes,
                        topic -> {
                          try (Transport publisher =
                              RedisStreamsTransport.open(
                                  redis, "publisher", Duration.ofSeconds(30), 100)) {
                            publishAll(publisher, topic, requests);
                          }
                        },
                        node ->
                            RedisStreamsTransport.open(
                                redis, "node-" + node, Duration.ofSeconds(30), 100)));
        System.out.printf(
            "%-22s %6d %,10.0f %12.2f%n", "Redis Streams", nodes, viaRedis, viaRedis / direct);
      }
    } finally {
      redisServer.stop();
    }
  }

  private interface Row {
    double runsPerSecond() throws Exception;
  }

  private static double median(Row row) throws Exception {
    double[] r = new double[3];
    for (int i = 0; i < r.length; i++) {
      r[i] = row.runsPerSecond();
    }
    Arrays.sort(r);
    return r[1];
  }

  private static FirebreakRuntime node(Path store, String id) {
    FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(SqliteStore.open(store, id, Duration.ofSeconds(6), Clock.systemUTC()))
            .mdc(false)
            .maxInFlightRuns(256)
            .shutdownGracePeriod(Duration.ZERO)
            .shutdownHook(false)
            .build();
    return runtime;
  }

  private static BoundEntryPoint bind(FirebreakRuntime runtime) {
    return Flow.of("shout", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("shout").inputs(0).checkpointed(Codecs.STRING),
            Flow.sync((s, ctx) -> ((String) s[0]).toUpperCase(java.util.Locale.ROOT)))
        .bind(runtime);
  }

  private static double direct(int requests) throws Exception {
    Path dir = Files.createTempDirectory("intake-bench");
    try (FirebreakRuntime runtime = node(dir.resolve("store.db"), "direct")) {
      BoundEntryPoint entry = bind(runtime);
      long start = System.nanoTime();
      List<CompletableFuture<?>> runs = new ArrayList<>();
      java.util.concurrent.Semaphore room = new java.util.concurrent.Semaphore(256);
      for (int i = 0; i < requests; i++) {
        room.acquire(); // as many in flight as an intake node admits
        runs.add(
            entry
                .runAsyncForResult("r" + i, "x" + i)
                .toCompletableFuture()
                .whenComplete((r, e) -> room.release()));
      }
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).join();
      double perSecond = requests / ((System.nanoTime() - start) / 1e9);
      runtime.checkpointStore().close();
      return perSecond;
    }
  }

  private static double viaBus(
      int requests,
      int nodes,
      ThrowingConsumer<String> publish,
      IntFunction<Transport> transportOfNode)
      throws Exception {
    Path dir = Files.createTempDirectory("intake-bench");
    String topic = "bench-" + ++row;
    publish.accept(topic);
    List<FirebreakRuntime> runtimes = new ArrayList<>();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      long start = System.nanoTime();
      for (int n = 0; n < nodes; n++) {
        FirebreakRuntime runtime = node(dir.resolve("store.db"), "node-" + n);
        runtimes.add(runtime);
        bind(runtime);
        Transport transport = transportOfNode.apply(n);
        open.add(transport);
        Intake intake =
            runtime.intake(transport, "test.Flow", "shout", IntakeTopics.of(topic, "bench"));
        open.add(intake);
      }
      List<Intake> intakes = new ArrayList<>();
      for (AutoCloseable c : open) {
        if (c instanceof Intake i) {
          intakes.add(i);
        }
      }
      long lastReport = System.nanoTime();
      while (runtimes.get(0).runs().countByStatus().get(WorkflowStatus.COMPLETED) < requests) {
        Thread.sleep(5);
        if (System.getenv("INTAKE_DEBUG") != null
            && System.nanoTime() - lastReport > 2_000_000_000L) {
          lastReport = System.nanoTime();
          for (Intake i : intakes) {
            System.err.printf(
                "started=%d waiting=%d paused=%b inflight=%d completed=%d%n",
                i.started(),
                i.waiting(),
                i.paused(),
                runtimes.get(0).inFlightRuns(),
                runtimes.get(0).runs().countByStatus().get(WorkflowStatus.COMPLETED));
          }
        }
      }
      return requests / ((System.nanoTime() - start) / 1e9);
    } finally {
      for (int i = open.size() - 1; i >= 0; i--) {
        open.get(i).close();
      }
      for (FirebreakRuntime r : runtimes) {
        r.close();
        r.checkpointStore().close();
      }
    }
  }

  private static byte[] request(int i) {
    return ("[\"x" + i + "\"]").getBytes(StandardCharsets.UTF_8);
  }

  private interface ThrowingConsumer<T> {
    void accept(T t) throws Exception;
  }

  /** Publishes the requests without waiting for each, then waits until the bus has them all. */
  private static void publishAll(Transport publisher, String topic, int requests) {
    CompletableFuture<?>[] sent = new CompletableFuture<?>[requests];
    for (int i = 0; i < requests; i++) {
      sent[i] = publisher.publish(topic, "r" + i, request(i)).toCompletableFuture();
    }
    CompletableFuture.allOf(sent).join();
  }
}
