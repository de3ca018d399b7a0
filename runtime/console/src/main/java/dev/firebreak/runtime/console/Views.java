package dev.firebreak.runtime.console;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.NodeBreakers;
import dev.firebreak.runtime.RunDetails;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.TimelineEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/** The console's JSON for runs, dead letters, breakers and meters, as its options allow. */
final class Views {
  /** Past this many runs parked on one breaker, the console says "at least". */
  static final int PARKED_COUNT_CAP = 1_000;

  private final ConsoleOptions options;

  Views(ConsoleOptions options) {
    this.options = options;
  }

  void summary(Json j, RunSummary run) {
    j.object();
    summaryFields(j, run);
    j.end();
  }

  void details(Json j, RunDetails run) {
    boolean data = options.showData();
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
          .strings("errorChain", errors(e.errorChain()))
          .end();
    }
    j.end();
    if (run.deadLetter() == null) {
      j.nullField("deadLetter");
    } else {
      j.object("deadLetter");
      letterFields(j, run.deadLetter());
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

  void letter(Json j, DeadLetter d) {
    j.object();
    letterFields(j, d);
    j.end();
  }

  private void letterFields(Json j, DeadLetter d) {
    j.field("runId", d.runId())
        .field("workflow", d.workflow())
        .field("entryPoint", d.entryPoint())
        .field("reason", d.reason().name())
        .field("step", d.step())
        .field("declaredBy", d.declaredBy())
        .field("attempts", d.attempts())
        .field("at", d.time())
        .strings("errorChain", errors(d.errorChain()));
    if (options.showData()) {
      j.field("inputs", d.inputsJson().orElse(null));
    }
  }

  /** An error chain as shown: whole, or (messages hidden) each failure's type alone. */
  private List<String> errors(List<String> chain) {
    if (options.showErrorMessages()) {
      return chain;
    }
    return chain.stream()
        .map(
            line -> {
              int colon = line.indexOf(": ");
              return colon < 0 ? line : line.substring(0, colon);
            })
        .toList();
  }

  /**
   * The values of firebreak-micrometer's gauges for this runtime, under their meter names: the dead
   * letters waiting ({@code letters}, counted at most once per {@code countsFor}), the runs in
   * flight here, the breakers open here.
   */
  void meters(Json j, FirebreakRuntime runtime, int letters) {
    SortedMap<String, CircuitBreakerState> breakers = runtime.circuitBreakers();
    long open = breakers.values().stream().filter(s -> s == CircuitBreakerState.OPEN).count();
    j.object("meters")
        .field("firebreak.deadletters", letters)
        .field("firebreak.runs.inflight", runtime.inFlightRuns())
        .field("firebreak.breakers.open", open)
        .end();
  }

  /**
   * Each breaker any node reported, with its state on each node (as of that node's report), its
   * shared record if the store keeps them, and the runs parked on it here and in the store.
   */
  void breakers(Json j, FirebreakRuntime runtime) {
    List<NodeBreakers> nodes = runtime.breakersByNode();
    TreeSet<String> names = new TreeSet<>(runtime.circuitBreakers().keySet());
    nodes.forEach(n -> names.addAll(n.states().keySet()));
    Optional<BreakerBoard> board = runtime.checkpointStore().breakerBoard();
    Map<String, BreakerBoard.Entry> shared = new HashMap<>();
    if (board.isPresent() && !names.isEmpty()) {
      for (BreakerBoard.Entry e : board.get().read(List.copyOf(names))) {
        shared.put(e.name(), e);
      }
    }
    j.object().field("node", runtime.nodeId()).array("nodes");
    for (NodeBreakers n : nodes) {
      j.object().field("node", n.node()).field("reportedAt", n.reportedAt()).end();
    }
    j.end().array("breakers");
    for (String name : names) {
      j.object().field("name", name).object("states");
      for (NodeBreakers n : nodes) {
        CircuitBreakerState state = n.states().get(name);
        if (state != null) {
          j.field(n.node(), state.name());
        }
      }
      j.end();
      BreakerBoard.Entry e = shared.get(name);
      if (e != null && e.version() > 0) {
        j.field("sharedState", e.state().name());
      }
      int parked = parkedInStore(runtime, name);
      j.field("parkedHere", runtime.parkedRuns(name))
          .field("parkedInStore", parked)
          .field("parkedAtLeast", parked >= PARKED_COUNT_CAP)
          .end();
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
