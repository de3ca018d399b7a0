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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the console's JSON endpoints answer, read from the runtime's store through its runs API and
 * dead-letter queue: every list a page, read through an index, never a scan of the store.
 */
final class ConsoleApi {
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
  private final boolean showData;
  private final Set<String> workflows;
  private final RunFilters filters;
  private final Cached<Map<WorkflowStatus, Long>> statusCounts;
  private final Cached<Map<DeadLetterReason, Long>> reasonCounts;

  ConsoleApi(
      FirebreakRuntime runtime, boolean showData, Set<String> workflows, long countsTtlNanos) {
    this.runtime = runtime;
    this.showData = showData;
    this.workflows = workflows;
    this.filters = new RunFilters(workflows);
    this.statusCounts =
        new Cached<>(() -> runtime.runs().countByStatus(), countsTtlNanos, System::nanoTime);
    this.reasonCounts =
        new Cached<>(() -> runtime.deadLetters().countByReason(), countsTtlNanos, System::nanoTime);
  }

  /** The landing page: counts by status, the latest dead letters, the meters' values. */
  byte[] overview() {
    Map<WorkflowStatus, Long> counts = statusCounts.get();
    DeadLetterPage latest = runtime.deadLetters().page(null, LATEST_LETTERS, null);
    try (Json j = new Json()) {
      j.object().field("node", runtime.nodeId()).field("showData", showData);
      j.strings("workflows", workflows.stream().sorted().toList());
      j.object("counts");
      counts.forEach((status, n) -> j.field(status.name(), n));
      j.end();
      j.array("latestDeadLetters");
      for (DeadLetter letter : latest.letters()) {
        if (visible(letter.workflow())) {
          Views.letter(j, letter, false);
        }
      }
      j.end();
      Views.meters(j, runtime);
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
        if (run.isPresent() && visible(run.get().run().workflow())) {
          Views.summary(j, run.get().run(), false);
        }
      } else {
        RunPage page;
        try {
          page = runtime.runs().list(runQuery);
        } catch (IllegalArgumentException e) {
          throw new Refused(400, e.getMessage());
        }
        for (RunSummary run : page.runs()) {
          if (visible(run.workflow())) {
            Views.summary(j, run, false);
          }
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
            .find(runId, showData)
            .filter(r -> visible(r.run().workflow()))
            .orElseThrow(() -> new Refused(404, "no run " + RunIds.forLog(runId)));
    try (Json j = new Json()) {
      Views.details(j, run, showData);
      return j.bytes();
    }
  }

  /** Dead letters by reason, and a page of them, newest first. */
  byte[] deadLetters(Query query) {
    DeadLetterReason reason = reason(query.one("reason"));
    int limit = query.number("limit", 1, MAX_PAGE, 50);
    String after = query.one("after");
    query.only();
    DeadLetterPage page;
    try {
      page = runtime.deadLetters().page(reason, limit, after);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, e.getMessage());
    }
    Map<DeadLetterReason, Long> byReason =
        new LinkedHashMap<>(runtime.deadLetters().countByReason());
    try (Json j = new Json()) {
      j.object().object("byReason");
      byReason.forEach((r, n) -> j.field(r.name(), n));
      j.end().array("letters");
      for (DeadLetter letter : page.letters()) {
        if (visible(letter.workflow())) {
          Views.letter(j, letter, showData);
        }
      }
      j.end().field("next", page.nextCursor());
      return j.end().bytes();
    }
  }

  /** The breakers: this node's states, the store's shared records, the runs parked on each. */
  byte[] breakers() {
    try (Json j = new Json()) {
      Views.breakers(j, runtime);
      return j.bytes();
    }
  }

  /** Replays each named run from its dead letter, without waiting for the replays to end. */
  byte[] replay(Set<String> runIds) {
    statusCounts.clear();
    reasonCounts.clear();
    try (Json j = new Json()) {
      j.object().array("results");
      for (String runId : runIds) {
        j.object().field("runId", runId);
        try {
          letterOf(runId);
          runtime.replay(runId);
          j.field("ok", true).field("message", "replaying");
        } catch (Refused | IllegalArgumentException | IllegalStateException e) {
          j.field("ok", false).field("message", e.getMessage());
        }
        j.end();
      }
      return j.end().end().bytes();
    }
  }

  /** Drops each named run's dead letter; the run stays failed in the store. */
  byte[] discard(Set<String> runIds) {
    statusCounts.clear();
    reasonCounts.clear();
    try (Json j = new Json()) {
      j.object().array("results");
      for (String runId : runIds) {
        j.object().field("runId", runId);
        try {
          letterOf(runId);
          boolean discarded = runtime.deadLetters().discard(runId);
          j.field("ok", discarded).field("message", discarded ? "discarded" : "no dead letter");
        } catch (Refused | IllegalArgumentException e) {
          j.field("ok", false).field("message", e.getMessage());
        }
        j.end();
      }
      return j.end().end().bytes();
    }
  }

  private DeadLetter letterOf(String runId) {
    checkedId(runId);
    return runtime
        .deadLetters()
        .find(runId)
        .filter(d -> visible(d.workflow()))
        .orElseThrow(() -> new Refused(404, "no dead letter for run " + RunIds.forLog(runId)));
  }

  private static String checkedId(String runId) {
    try {
      return RunIds.check(runId);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, e.getMessage());
    }
  }

  private boolean visible(String workflow) {
    return workflows.isEmpty() || workflows.contains(workflow);
  }

  private static DeadLetterReason reason(String name) {
    if (name == null) {
      return null;
    }
    try {
      return DeadLetterReason.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new Refused(
          400,
          "reason is one of "
              + java.util.Arrays.toString(DeadLetterReason.values())
              + ", not "
              + name);
    }
  }
}
