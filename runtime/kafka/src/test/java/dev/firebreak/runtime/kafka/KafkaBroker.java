package dev.firebreak.runtime.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A one-node KRaft Kafka (broker and controller in one) in this JVM, listening on 127.0.0.1 only,
 * its log in a temporary directory deleted on close.
 */
public final class KafkaBroker implements AutoCloseable {
  private final KafkaConfig config;
  private KafkaRaftServer server;
  private final Path dir;
  private final String bootstrap;

  private KafkaBroker(KafkaConfig config, KafkaRaftServer server, Path dir, String bootstrap) {
    this.config = config;
    this.server = server;
    this.dir = dir;
    this.bootstrap = bootstrap;
  }

  private static KafkaBroker shared;

  /**
   * The broker every test class of this JVM shares, started on first use and stopped when the JVM
   * exits.
   */
  static synchronized KafkaBroker shared() throws Exception {
    if (shared == null) {
      KafkaBroker started = start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // The JVM is going; its temporary directory may stay.
                    }
                  }));
      shared = started;
    }
    return shared;
  }

  public static KafkaBroker start() throws Exception {
    Path dir = Files.createTempDirectory("firebreak-kafka");
    int broker = freePort();
    int controller = freePort();
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + broker + ",CONTROLLER://127.0.0.1:" + controller);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + broker);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dir.toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "3");
    KafkaConfig config = KafkaConfig.fromProps(p);
    new Formatter()
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(java.util.List.of(dir.toString()))
        .setMetadataLogDirectory(dir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    KafkaBroker started = new KafkaBroker(config, server, dir, "127.0.0.1:" + broker);
    started.awaitReady();
    return started;
  }

  /** Waits (up to 60 s) until the broker answers with itself as a live node. */
  private void awaitReady() throws Exception {
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    try (Admin admin = admin()) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get().isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          if (System.nanoTime() > until) {
            throw e;
          }
        }
        Thread.sleep(50);
      }
    }
  }

  /** Stops the broker, and starts it again on its ports and its log: a broker restart. */
  void restart() throws Exception {
    server.shutdown();
    server.awaitShutdown();
    server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    awaitReady();
  }

  public String bootstrapServers() {
    return bootstrap;
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /**
   * Creates the topics and returns once every partition has its leader. A producer that writes to a
   * partition the broker does not lead yet meets a Kafka race: its first batch is refused
   * (NOT_LEADER_OR_FOLLOWER) while the next ones are appended, and the idempotent producer then
   * retries the first with an out-of-order sequence until its delivery timeout.
   */
  public void createTopics(int partitions, String... names) throws Exception {
    try (Admin admin = admin()) {
      admin
          .createTopics(
              Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
          .all()
          .get();
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (!led(admin, names)) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("no leaders for " + Arrays.toString(names) + " in 30 s");
        }
        Thread.sleep(10);
      }
    }
  }

  /**
   * Whether the broker leads every partition of the topics: it answers a leader-only request
   * (ListOffsets) for each, which its metadata alone does not prove.
   */
  private static boolean led(Admin admin, String... names) throws Exception {
    try {
      Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> all =
          new java.util.HashMap<>();
      admin.describeTopics(Arrays.asList(names)).allTopicNames().get().values().stream()
          .flatMap(t -> t.partitions().stream().map(p -> Map.entry(t.name(), p.partition())))
          .forEach(
              e ->
                  all.put(
                      new org.apache.kafka.common.TopicPartition(e.getKey(), e.getValue()),
                      org.apache.kafka.clients.admin.OffsetSpec.latest()));
      admin.listOffsets(all).all().get();
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      return false; // not led yet
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
    server.awaitShutdown();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
