package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.remote.RemoteTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.RedisClient;

/**
 * An orchestrator node in its own JVM, for {@link RedisOrchestratorKillTest}: its runs and its
 * calls live in one Redis, its only agent is remote. It starts the runs it is told to, prints
 * {@code STARTED} and waits to be killed.
 *
 * <p>Arguments: Redis port, namespace, topics prefix, node id, runs.
 */
public final class KilledOrchestrator {
  static final String AGENT = "kill.Shouter";

  /** The lease of both nodes: short, so the test's takeover comes soon after the kill. */
  static final Duration LEASE = Duration.ofSeconds(2);

  private KilledOrchestrator() {}

  static RemoteTopics topics(String prefix) {
    return new RemoteTopics(prefix + ".calls.", prefix + ".workers.", prefix + ".replies");
  }

  static RedisStore store(RedisClient redis, String namespace, String node) {
    return RedisStore.open(redis, namespace, null, node, LEASE, Clock.systemUTC());
  }

  /** A node: its store and bus in {@code redis}, the agent called over the bus. */
  static FirebreakRuntime node(RedisClient redis, String namespace, String prefix, String node) {
    return FirebreakRuntime.builder()
        .checkpointStore(store(redis, namespace, node))
        .remoteAgents(
            RedisStreamsTransport.open(redis, node, Duration.ofMillis(300), 16),
            topics(prefix),
            AGENT)
        .shutdownGracePeriod(Duration.ZERO)
        .shutdownHook(false)
        .build();
  }

  /** The workflow: one step of the remote agent, shout(String) -> String. */
  static BoundEntryPoint bind(FirebreakRuntime runtime) {
    return Flow.of("shout", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("shout").inputs(0),
            Duration.ofSeconds(30),
            StepBinding.sync(
                    (s, ctx) -> {
                      throw new AssertionError("ran in process: the agent is remote");
                    })
                .remotable(new StepBinding.Remotable(AGENT, List.of(Codecs.STRING), Codecs.STRING)))
        .bind(runtime);
  }

  public static void main(String[] args) throws Exception {
    RedisClient redis = RedisClient.create("127.0.0.1", Integer.parseInt(args[0]));
    FirebreakRuntime runtime = node(redis, args[1], args[2], args[3]);
    BoundEntryPoint entry = bind(runtime);
    int runs = Integer.parseInt(args[4]);
    for (int i = 0; i < runs; i++) {
      entry.runAsyncForResult("run-" + i, "text " + i);
    }
    System.out.println("STARTED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
