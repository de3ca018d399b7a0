package dev.firebreak.runtime.console;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterPage;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunDetails;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console's JSON endpoints answer, read from the runtime's store through its runs API and
 * dead-letter queue: every list a page read through an index, never a scan of the store; the
 * counts, which read an index of every run, at most once per {@link ConsoleOptions#countsFor}.
 */
final class ConsoleApi {
  private static final Logger log = LoggerFactory.getLogger(ConsoleApi.class);

  /** A request refused with an HTTP status and a message for the person who sent it. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refused(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    int status() {
      return status;
    }
  }

  static final int LATEST_LETTERS = 10;
  static final int MAX_PAGE = 200;

  private final FirebreakRuntime runtime;
  private final ConsoleOptions options;
  private final Views views;
  private final RunFilters filters;
  private final Letters letters;
  private final Cached<Map<WorkflowStatus, Long>> statusCounts;
  private final Cached<Map<DeadLetterReason, Long>> reasonCounts;
  private final Cached<Integer> letterCount;

  ConsoleApi(FirebreakRuntime runtime, ConsoleOptions options) {
    this.runtime = runtime;
    this.options = options;
    this.views = new Views(options);
    this.filters = new RunFilters(options.workflow());
    this.letters = new Letters(runtime, options.workflow());
    long ttl = options.countsFor().toNanos();
    this.statusCounts = new Cached<>(() -> runtime.runs().countByStatus(), ttl, System::nanoTime);
    this.reasonCounts =
        new Cached<>(() -> runtime.deadLetters().countByReason(), ttl, System::nanoTime);
    this.letterCount = new Cached<>(() -> runtime.deadLetters().size(), ttl, System::nanoTime);
  }

  /** The landing page: counts by status, the latest dead letters, the meters' values. */
  byte[] overview() {
    Map<WorkflowStatus, Long> counts = statusCounts.get();
    DeadLetterPage latest = letters.page(null, LATEST_LETTERS, null);
    try (Json j = new Json()) {
      j.object()
          .field("node", runtime.nodeId())
          .field("showData", options.showData())
          .field("workflow", options.workflow());
      j.object("counts");
      counts.forEach((status, n) -> j.field(status.name(), n));
      j.end();
      j.array("latestDeadLetters");
      for (DeadLetter letter : latest.letters()) {
        views.letter(j, letter);
      }
      j.end();
      views.meters(j, runtime, letterCount.get());
      return j.end().bytes();
    }
  }

  /** A page of runs, by the filters of {@code query}; {@code id} looks one run up. */
  byte[] runs(Query query) {
    String id = query.one("id");
    RunQuery runQuery = filters.parse(query, MAX_PAGE);
    query.only();
    try (Json j = new Json()) {
      j.object().array("runs");
      String next = null;
      if (id != null) {
        checkedId(id);
        Optional<RunDetails> run = runtime.runs().find(id);
        if (run.isPresent() && options.shows(run.get().run().workflow())) {
          views.summary(j, run.get().run());
        }
      } else {
        RunPage page;
        try {
          page = runtime.runs().list(runQuery);
        } catch (IllegalArgumentException e) {
          throw new Refused(400, e.getMessage());
        }
        for (RunSummary run : page.runs()) {
          views.summary(j, run);
        }
        next = page.nextCursor();
      }
      j.end().field("next", next);
      return j.end().bytes();
    }
  }

  /** One run with its checkpoints, attempts, timeline and dead letter. */
  byte[] run(String runId) {
    checkedId(runId);
    RunDetails run =
        runtime
            .runs()
            .find(runId, options.showData())
            .filter(r -> options.shows(r.run().workflow()))
            .orElseThrow(() -> new Refused(404, "no run " + RunIds.forLog(runId)));
    try (Json j = new Json()) {
      views.details(j, run);
      return j.bytes();
    }
  }

  /**
   * A page of dead letters, newest first, and (on a console of every workflow) their counts by
   * reason.
   */
  byte[] deadLetters(Query query) {
    DeadLetterReason reason = reason(query.one("reason"));
    int limit = query.number("limit", 1, MAX_PAGE, 50);
    String after = query.one("after");
    query.only();
    DeadLetterPage page;
    try {
      page = letters.page(reason, limit, after);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, e.getMessage());
    }
    try (Json j = new Json()) {
      j.object();
      if (options.workflow() == null) {
        j.object("byReason");
        reasonCounts.get().forEach((r, n) -> j.field(r.name(), n));
        j.end();
      } else {
        j.nullField("byReason"); // counted over every workflow: not this console's to show
      }
      j.array("letters");
      for (DeadLetter letter : page.letters()) {
        views.letter(j, letter);
      }
      j.end().field("next", page.nextCursor());
      return j.end().bytes();
    }
  }

  /** The breakers: every node's states, the store's shared records, the runs parked on each. */
  byte[] breakers() {
    try (Json j = new Json()) {
      views.breakers(j, runtime);
      return j.bytes();
    }
  }

  /** Replays each named run from its dead letter, without waiting for the replays to end. */
  byte[] replay(Set<String> runIds) {
    return each(
        runIds,
        runId -> {
          runtime.replay(runId);
          return "replaying";
        });
  }

  /** Drops each named run's dead letter; the run stays failed in the store. */
  byte[] discard(Set<String> runIds) {
    return each(
        runIds, runId -> runtime.deadLetters().discard(runId) ? "discarded" : "no dead letter");
  }

  private interface Action {
    String apply(String runId);
  }

  /** {@code action} on each run that has a dead letter here, each with its own outcome. */
  private byte[] each(Set<String> runIds, Action action) {
    try (Json j = new Json()) {
      j.object().array("results");
      for (String runId : runIds) {
        j.object().field("runId", runId);
        try {
          letterOf(runId);
          String done = action.apply(runId);
          j.field("ok", !done.equals("no dead letter")).field("message", done);
        } catch (Refused | IllegalArgumentException | IllegalStateException e) {
          j.field("ok", false).field("message", e.getMessage());
        } catch (RuntimeException e) {
          log.warn("console: action on run {} failed", RunIds.forLog(runId), e);
          j.field("ok", false).field("message", "failed; the server's log says why");
        }
        j.end();
      }
      statusCounts.clear();
      reasonCounts.clear();
      letterCount.clear();
      return j.end().end().bytes();
    }
  }

  private DeadLetter letterOf(String runId) {
    checkedId(runId);
    return runtime
        .deadLetters()
        .find(runId)
        .filter(d -> options.shows(d.workflow()))
        .orElseThrow(() -> new Refused(404, "no dead letter for run " + RunIds.forLog(runId)));
  }

  private static String checkedId(String runId) {
    try {
      return RunIds.check(runId);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, e.getMessage());
    }
  }

  private static DeadLetterReason reason(String name) {
    if (name == null) {
      return null;
    }
    try {
      return DeadLetterReason.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new Refused(
          400, "reason is one of " + Arrays.toString(DeadLetterReason.values()) + ", not " + name);
    }
  }
}
