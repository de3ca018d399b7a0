package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.redis.RedisCallRecords;
import dev.firebreak.runtime.redis.RedisStreamsTransport;
import dev.firebreak.runtime.remote.FirebreakWorker;
import dev.firebreak.runtime.remote.RemoteTopics;
import dev.firebreak.sample.invoice.agents.AccountingAgent;
import dev.firebreak.sample.invoice.agents.MatchingAgent;
import dev.firebreak.sample.invoice.agents.OcrAgent;
import dev.firebreak.sample.invoice.agents.ValidationAgent;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import dev.firebreak.sample.invoice.services.SimulatedLedger;
import dev.firebreak.sample.invoice.services.SimulatedOcr;
import dev.firebreak.sample.invoice.services.SimulatedPurchaseOrders;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

/**
 * The case study with its OCR agent as a worker behind the bus: Redis on 127.0.0.1 carries the
 * calls (Redis Streams); two worker processes serve the OCR agent; one is SIGKILLed mid-batch and a
 * third takes its place. The orchestrator keeps every policy; the workers' effects are counted in a
 * ledger outside every store, one row per OCR call that returned.
 */
final class RemoteOcr {
  private RemoteOcr() {}

  /** A worker's claims last this long; a killed worker's calls are free again after it. */
  static final Duration CLAIM_LEASE = Duration.ofMillis(300);

  /** A member's unacknowledged calls go to another after this long. */
  static final Duration CLAIM_AFTER = Duration.ofMillis(500);

  /** What the demo saw. */
  record Outcome(
      int invoices,
      int completed,
      int failed,
      int lost,
      int duplicateEffects,
      int executions,
      int killedAfter,
      java.util.Map<String, Integer> effectsByWorker) {
    String render() {
      return String.format(
          "remote OCR: %d invoices, %d completed, %d failed (dead letters), the first worker"
              + " SIGKILLed after %d completions%n"
              + "ledger of the OCR service: lost=%d duplicate_effects=%d; %d OCR calls returned"
              + " (by worker %s); a repeat after the kill carries its call's idempotency key%n",
          invoices,
          completed,
          failed,
          killedAfter,
          lost,
          duplicateEffects,
          executions,
          effectsByWorker);
    }
  }

  /**
   * Runs the demo in {@code dir}: a Redis, two workers, {@code count} invoices, a worker killed
   * once a third of them completed, a replacement started.
   */
  static Outcome demo(int count, long seed, Path dir, PrintStream out) throws Exception {
    int port = freePort();
    RedisServer redisServer =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("appendonly no")
            .build();
    redisServer.start();
    List<Process> workers = new ArrayList<>();
    try (RedisClient redis = RedisClient.create("127.0.0.1", port);
        RedisStreamsTransport bus =
            RedisStreamsTransport.open(redis, "orchestrator", CLAIM_AFTER, 64);
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .sqlite(dir.resolve("runs.db"))
                .remoteAgents(bus, OcrAgent.class.getCanonicalName())
                .shutdownHook(false)
                .build()) {
      workers.add(startWorker(port, dir, "worker-a"));
      workers.add(startWorker(port, dir, "worker-b"));
      out.printf("Redis on 127.0.0.1:%d; OCR workers a and b ready%n", port);
      FaultProfile faults = FaultProfile.none(seed);
      InvoiceWorkflow workflow =
          new FirebreakInvoiceWorkflow(
              () -> {
                throw new IllegalStateException("the OCR agent runs in the workers");
              },
              new ValidationAgent(),
              new MatchingAgent(new SimulatedPurchaseOrders()),
              new AccountingAgent(new SimulatedLedger(faults)),
              runtime);
      List<InvoiceFile> batch = Batch.generate(faults, count);
      AtomicInteger completed = new AtomicInteger();
      List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs = new ArrayList<>();
      for (InvoiceFile file : batch) {
        runs.add(
            workflow
                .processAsync(file.id(), file)
                .toCompletableFuture()
                .whenComplete((r, e) -> completed.incrementAndGet()));
      }
      while (completed.get() < count / 3) {
        Thread.sleep(5);
      }
      int killedAfter = completed.get();
      workers.get(0).destroyForcibly().waitFor(); // SIGKILL: no goodbye, no acknowledgement
      out.printf("worker a SIGKILLed after %d completions; starting worker c%n", killedAfter);
      workers.add(startWorker(port, dir, "worker-c"));
      int ok = 0;
      int failed = 0;
      for (CompletableFuture<WorkflowResult<AccountingEntry>> run : runs) {
        WorkflowResult<AccountingEntry> r = run.get(2, TimeUnit.MINUTES);
        if (r.status().isSuccess()) {
          ok++;
        } else {
          failed++;
        }
      }
      int[] ledger = ledger(dir, batch);
      return new Outcome(
          count, ok, failed, ledger[0], ledger[1], ledger[2], killedAfter, effectsByWorker(dir));
    } finally {
      for (Process w : workers) {
        w.destroyForcibly().waitFor();
      }
      redisServer.stop();
    }
  }

  /**
   * {lost, duplicate effects, executions}: invoices whose OCR returned in no worker; invoices whose
   * OCR took effect under more than one idempotency key (a service that honours the key applies a
   * repeated call once, but not a call under a new key); OCR calls that returned, repeats included.
   */
  private static int[] ledger(Path dir, List<InvoiceFile> batch) throws SQLException {
    int lost = 0;
    int duplicates = 0;
    int executions = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("effects.db"));
        PreparedStatement count =
            c.prepareStatement(
                "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM effects WHERE invoice = ?")) {
      for (InvoiceFile file : batch) {
        count.setString(1, file.id());
        try (ResultSet r = count.executeQuery()) {
          r.next();
          executions += r.getInt(1);
          lost += r.getInt(1) == 0 ? 1 : 0;
          duplicates += r.getInt(2) > 1 ? 1 : 0;
        }
      }
    }
    return new int[] {lost, duplicates, executions};
  }

  private static java.util.Map<String, Integer> effectsByWorker(Path dir) throws SQLException {
    java.util.Map<String, Integer> by = new java.util.TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("effects.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT worker, COUNT(*) FROM effects GROUP BY worker")) {
      while (r.next()) {
        by.put(r.getString(1), r.getInt(2));
      }
    }
    return by;
  }

  private static Process startWorker(int redisPort, Path dir, String name) throws IOException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath(),
                Main.class.getName(),
                "worker",
                String.valueOf(redisPort),
                dir.toString(),
                name)
            .redirectErrorStream(true)
            .start();
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = lines.readLine()) != null; ) {
      if (line.equals("READY")) {
        Thread drain = new Thread(() -> lines.lines().forEach(l -> {}), name + "-output");
        drain.setDaemon(true);
        drain.start();
        return p;
      }
    }
    throw new IOException(name + " ended before it was ready: exit " + p.exitValue());
  }

  /**
   * A worker process: serves the OCR agent's calls from the Redis on 127.0.0.1:{@code redisPort},
   * which keeps the workers' call records too, with the effects ledger in {@code dir}, until it is
   * killed.
   */
  static int worker(int redisPort, Path dir, String name) throws Exception {
    Connection ledger = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("effects.db"));
    try (Statement s = ledger.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA busy_timeout=10000");
      s.execute(
          "CREATE TABLE IF NOT EXISTS effects (invoice TEXT NOT NULL, idempotency_key TEXT NOT NULL,"
              + " worker TEXT NOT NULL)");
    }
    PreparedStatement insert = ledger.prepareStatement("INSERT INTO effects VALUES (?, ?, ?)");
    ReentrantLock lock = new ReentrantLock();
    AgentDispatch ocr =
        FirebreakInvoiceWorkflow.ocrAgentDispatch(
            new OcrAgent(new SimulatedOcr(FaultProfile.none(0))));
    // What the OCR service sees: each call that returned, with the idempotency key it came with.
    AgentDispatch counted =
        new AgentDispatch() {
          @Override
          public String agent() {
            return ocr.agent();
          }

          @Override
          public List<String> steps() {
            return ocr.steps();
          }

          @Override
          public List<CheckpointCodec<?>> inputCodecs(String step) {
            return ocr.inputCodecs(step);
          }

          @Override
          public CheckpointCodec<?> outputCodec(String step) {
            return ocr.outputCodec(step);
          }

          @Override
          public Object call(String step, Object[] inputs, StepContext context) throws Exception {
            Object out = ocr.call(step, inputs, context);
            lock.lock();
            try {
              insert.setString(1, ((InvoiceFile) inputs[0]).id());
              insert.setString(2, context.idempotencyKey());
              insert.setString(3, name);
              insert.executeUpdate();
            } finally {
              lock.unlock();
            }
            return out;
          }
        };
    RedisClient redis = RedisClient.create("127.0.0.1", redisPort);
    RedisStreamsTransport bus = RedisStreamsTransport.open(redis, name, CLAIM_AFTER, 16);
    FirebreakWorker.builder(bus)
        .workerId(name)
        .topics(RemoteTopics.DEFAULT)
        .records(RedisCallRecords.open(redis, "firebreak:"))
        .claimLease(CLAIM_LEASE)
        .concurrency(16)
        .agent(counted)
        .start();
    System.out.println("READY");
    System.out.flush();
    Thread.currentThread().join(); // until killed
    return 0;
  }

  /**
   * This program's class path: the context class loader's URLs where it has them (under {@code mvn
   * exec:java}, the project's class path lives there, not in {@code java.class.path}).
   */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader urls) {
      for (java.net.URL url : urls.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
          // not a file: not a class path entry
        }
      }
    }
    entries.add(System.getProperty("java.class.path"));
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
