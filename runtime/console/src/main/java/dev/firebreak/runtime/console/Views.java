package dev.firebreak.runtime.console;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunDetails;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.TimelineEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/** The console's JSON for runs, dead letters, breakers and meters. */
final class Views {
  /** Past this many runs parked on one breaker, the console says "at least". */
  static final int PARKED_COUNT_CAP = 1_000;

  private Views() {}

  static void summary(Json j, RunSummary run, boolean data) {
    j.object();
    summaryFields(j, run);
    if (data) {
      j.field("inputs", run.inputsJson().orElse(null))
          .field("output", run.outputJson().orElse(null));
    }
    j.end();
  }

  static void details(Json j, RunDetails run, boolean data) {
    j.object().object("run");
    summaryFields(j, run.run());
    if (data) {
      j.field("inputs", run.run().inputsJson().orElse(null))
          .field("output", run.run().outputJson().orElse(null));
    }
    j.end().field("dataShown", data).strings("checkpoints", run.checkpoints());
    j.object("attempts");
    run.attempts().forEach((step, n) -> j.field(step, n));
    j.end();
    if (data) {
      j.object("checkpointOutputs");
      for (String step : run.checkpoints()) {
        j.field(step, run.outputJson(step).orElse(null));
      }
      j.end();
    }
    j.array("timeline");
    for (TimelineEntry e : run.timeline()) {
      j.object()
          .field("at", e.at())
          .field("step", e.step())
          .field("kind", e.kind().name())
          .field("attempt", e.attempt())
          .field("tookMillis", e.took())
          .field("detail", e.detail())
          .strings("errorChain", e.errorChain())
          .end();
    }
    j.end();
    if (run.deadLetter() == null) {
      j.nullField("deadLetter");
    } else {
      j.object("deadLetter");
      letterFields(j, run.deadLetter(), data);
      j.end();
    }
    j.end();
  }

  private static void summaryFields(Json j, RunSummary run) {
    j.field("runId", run.runId())
        .field("workflow", run.workflow())
        .field("entryPoint", run.entryPoint())
        .field("status", run.status().name())
        .field("createdAt", run.createdAt())
        .field("endedAt", run.endedAt())
        .field("owner", run.owner())
        .field("retrying", run.retrying())
        .field("parkedOn", run.parkedOn());
  }

  static void letter(Json j, DeadLetter d, boolean data) {
    j.object();
    letterFields(j, d, data);
    j.end();
  }

  static void letterFields(Json j, DeadLetter d, boolean data) {
    j.field("runId", d.runId())
        .field("workflow", d.workflow())
        .field("entryPoint", d.entryPoint())
        .field("reason", d.reason().name())
        .field("step", d.step())
        .field("declaredBy", d.declaredBy())
        .field("attempts", d.attempts())
        .field("at", d.time())
        .strings("errorChain", d.errorChain());
    if (data) {
      j.field("inputs", d.inputsJson().orElse(null));
    }
  }

  /**
   * The values of firebreak-micrometer's gauges for this runtime, under their meter names, and the
   * runs by status as the store counts them ({@code firebreak.runs} counts ends since start).
   */
  static void meters(Json j, FirebreakRuntime runtime) {
    SortedMap<String, CircuitBreakerState> breakers = runtime.circuitBreakers();
    long open = breakers.values().stream().filter(s -> s == CircuitBreakerState.OPEN).count();
    j.object("meters")
        .field("firebreak.deadletters", runtime.deadLetters().size())
        .field("firebreak.runs.inflight", runtime.inFlightRuns())
        .field("firebreak.breakers.open", open)
        .end();
  }

  /**
   * Each breaker this node knows, with its state here, its shared record if the store keeps them,
   * and how many runs the store shows parked on it (every node's).
   */
  static void breakers(Json j, FirebreakRuntime runtime) {
    SortedMap<String, CircuitBreakerState> local = runtime.circuitBreakers();
    Optional<BreakerBoard> board = runtime.checkpointStore().breakerBoard();
    TreeSet<String> names = new TreeSet<>(local.keySet());
    Map<String, BreakerBoard.Entry> shared = new java.util.HashMap<>();
    if (board.isPresent()) {
      for (BreakerBoard.Entry e : board.get().read(List.copyOf(names))) {
        shared.put(e.name(), e);
      }
    }
    j.object().field("node", runtime.nodeId()).field("shared", board.isPresent()).array("breakers");
    for (String name : names) {
      j.object()
          .field("name", name)
          .field("state", local.get(name).name())
          .field("parkedHere", runtime.parkedRuns(name));
      BreakerBoard.Entry e = shared.get(name);
      if (e != null) {
        j.field("sharedState", e.state().name());
      }
      int parked = parkedInStore(runtime, name);
      j.field("parkedInStore", parked).field("parkedAtLeast", parked >= PARKED_COUNT_CAP).end();
    }
    j.end().end();
  }

  private static int parkedInStore(FirebreakRuntime runtime, String breaker) {
    try {
      RunPage page = runtime.runs().list(RunQuery.all().parkedOn(breaker).limit(PARKED_COUNT_CAP));
      return page.runs().size();
    } catch (UnsupportedOperationException e) {
      return runtime.parkedRuns(breaker);
    }
  }
}
