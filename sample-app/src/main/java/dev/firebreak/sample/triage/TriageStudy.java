package dev.firebreak.sample.triage;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DegradedStep;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.langchain4j.ModelTokenMeters;
import dev.firebreak.sample.triage.agents.PolicyAgent;
import dev.firebreak.sample.triage.agents.ReaderAgent;
import dev.firebreak.sample.triage.agents.ReviewAgent;
import dev.firebreak.sample.triage.agents.WriterAgent;
import dev.firebreak.sample.triage.model.Resolution;
import dev.firebreak.sample.triage.model.Ticket;
import dev.firebreak.sample.triage.server.ModelFaults;
import dev.firebreak.sample.triage.server.ModelServer;
import dev.firebreak.sample.triage.server.TriageAnswers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The triage case study: one seeded inbox through the plain LangChain4j pipeline, then through the
 * Firebreak workflow, each against a fresh {@link ModelServer} with the same fault profile (or both
 * against a real OpenAI-compatible server, without injected faults). Every figure is counted from
 * the runs, and the requests and tokens from the server.
 */
public final class TriageStudy {
  /** The model names the local server serves: the primary misbehaves, the backup rarely. */
  public static final String PRIMARY = "triage-primary";

  public static final String BACKUP = "triage-backup";

  /**
   * What to run: {@code baseUrl} null for the local fault-injecting server, else a real server's
   * API with {@code apiKey} and its models.
   */
  public record Options(
      int tickets,
      long seed,
      int concurrency,
      String baseUrl,
      String apiKey,
      String primaryModel,
      String backupModel) {
    public static Options local(int tickets, long seed) {
      return new Options(tickets, seed, 8, null, "local", PRIMARY, BACKUP);
    }

    boolean isLocal() {
      return baseUrl == null;
    }
  }

  /** What the server saw of one pipeline: requests and tokens of both models; null if not local. */
  public record Billing(long requests, long tokens, Map<ModelFaults.Fault, Long> faults) {}

  /** The plain pipeline's outcome. */
  public record Plain(PlainTriage.Outcome outcome, Duration elapsed, Billing billing) {}

  /**
   * The Firebreak workflow's outcome, by run status, with what degraded and what was dead-lettered.
   */
  public record Firebreak(
      Map<WorkflowStatus, Integer> statuses,
      int draftedByBackup,
      int notReviewed,
      Map<String, Integer> deadLetters,
      Map<String, Long> tokensByStep,
      Duration elapsed,
      Billing billing) {
    int count(WorkflowStatus status) {
      return statuses.getOrDefault(status, 0);
    }
  }

  /** Both, for one inbox. */
  public record Report(int tickets, Plain plain, Firebreak firebreak) {
    public String render() {
      return TriageTable.render(this);
    }
  }

  private TriageStudy() {}

  public static Report run(Options o, Path scratch) throws Exception {
    List<Ticket> inbox = Tickets.inbox(o.tickets(), o.seed());
    return new Report(o.tickets(), plain(o, inbox), firebreak(o, inbox, scratch));
  }

  private static Plain plain(Options o, List<Ticket> inbox) throws Exception {
    try (ModelServer server = o.isLocal() ? server(o.seed()) : null) {
      PlainTriage plain = new PlainTriage(endpoint(o, server), o.primaryModel());
      long start = System.nanoTime();
      all(
          inbox,
          o.concurrency(),
          t -> {
            plain.triage(t);
            return null;
          });
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return new Plain(plain.outcome(), elapsed, billing(server));
    }
  }

  private static Firebreak firebreak(Options o, List<Ticket> inbox, Path scratch) throws Exception {
    try (ModelServer server = o.isLocal() ? server(o.seed()) : null;
        FirebreakRuntime runtime =
            FirebreakRuntime.builder().sqlite(scratch.resolve("triage.db")).build()) {
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      TriageModels models =
          TriageModels.connect(
              runtime,
              endpoint(o, server),
              o.primaryModel(),
              o.backupModel(),
              ModelTokenMeters.on(meters));
      TriageWorkflow workflow =
          FirebreakTriageWorkflow.builder()
              .readerAgent(new ReaderAgent(models))
              .policyAgent(new PolicyAgent())
              .writerAgent(new WriterAgent(models))
              .reviewAgent(new ReviewAgent(models))
              .runtime(runtime)
              .build();
      long start = System.nanoTime();
      List<WorkflowResult<Resolution>> results =
          all(inbox, o.concurrency(), t -> workflow.triage(t.id(), t));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      Map<WorkflowStatus, Integer> statuses = new TreeMap<>();
      int byBackup = 0;
      int notReviewed = 0;
      for (WorkflowResult<Resolution> r : results) {
        statuses.merge(r.status(), 1, Integer::sum);
        for (DegradedStep d : r.degradedSteps()) {
          byBackup += d.step().equals("draft") ? 1 : 0;
          notReviewed += d.step().equals("review") ? 1 : 0;
        }
      }
      Map<String, Integer> letters = new TreeMap<>();
      for (DeadLetter letter : runtime.deadLetters().list()) {
        letters.merge(letter.reason() + " at " + letter.step(), 1, Integer::sum);
      }
      Map<String, Long> tokensByStep = new TreeMap<>();
      for (Counter c : meters.find("firebreak.model.tokens").counters()) {
        tokensByStep.merge(
            c.getId().getTag("step") + " (" + c.getId().getTag("model") + ")",
            (long) c.count(),
            Long::sum);
      }
      return new Firebreak(
          statuses, byBackup, notReviewed, letters, tokensByStep, elapsed, billing(server));
    }
  }

  private static ModelServer server(long seed) throws java.io.IOException {
    return new ModelServer(
        0,
        new TriageAnswers(),
        Map.of(PRIMARY, ModelFaults.primary(seed), BACKUP, ModelFaults.backup(seed)));
  }

  private static TriageModels.Endpoint endpoint(Options o, ModelServer server) {
    return server != null
        ? new TriageModels.Endpoint(server.baseUrl(), o.apiKey())
        : new TriageModels.Endpoint(o.baseUrl(), o.apiKey());
  }

  private static Billing billing(ModelServer server) {
    if (server == null) {
      return null;
    }
    ModelServer.Tally primary = server.tally(PRIMARY);
    ModelServer.Tally backup = server.tally(BACKUP);
    Map<ModelFaults.Fault, Long> faults = new TreeMap<>(primary.faults());
    backup.faults().forEach((f, n) -> faults.merge(f, n, Long::sum));
    return new Billing(
        primary.requests() + backup.requests(), primary.tokens() + backup.tokens(), faults);
  }

  /** {@code work} for every ticket, {@code concurrency} at a time; the results in inbox order. */
  private static <T> List<T> all(List<Ticket> inbox, int concurrency, Function<Ticket, T> work)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Ticket t : inbox) {
        futures.add(pool.submit(() -> work.apply(t)));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
