package dev.firebreak.spring;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.RunDetails;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.TimelineEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's values as the maps the actuator writes as JSON: plain strings, numbers, lists and
 * maps, so that they read the same under Jackson 2 (Boot 3) and Jackson 3 (Boot 4). Inputs and
 * outputs stay out: they are the application's data, read through the runs API when needed.
 */
final class EndpointViews {
  private EndpointViews() {}

  static Map<String, Object> page(RunPage page) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("runs", page.runs().stream().map(EndpointViews::run).toList());
    view.put("next", page.nextCursor());
    return view;
  }

  static Map<String, Object> run(RunSummary run) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("runId", run.runId());
    view.put("workflow", run.workflow());
    view.put("entryPoint", run.entryPoint());
    view.put("status", run.status().name());
    view.put("createdAt", time(run.createdAt()));
    view.put("endedAt", time(run.endedAt()));
    view.put("owner", run.owner());
    view.put("retrying", run.retrying());
    view.put("parkedOn", run.parkedOn());
    return view;
  }

  static Map<String, Object> details(RunDetails details) {
    Map<String, Object> view = run(details.run());
    view.put("checkpoints", details.checkpoints());
    view.put("attempts", details.attempts());
    view.put("timeline", details.timeline().stream().map(EndpointViews::entry).toList());
    view.put("deadLetter", details.deadLetter() == null ? null : letter(details.deadLetter()));
    return view;
  }

  static Map<String, Object> entry(TimelineEntry e) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("at", time(e.at()));
    view.put("step", e.step());
    view.put("kind", e.kind().name());
    view.put("attempt", e.attempt());
    view.put("tookMillis", e.took() == null ? null : e.took().toMillis());
    view.put("detail", e.detail());
    view.put("errorChain", e.errorChain());
    return view;
  }

  static Map<String, Object> letter(DeadLetter d) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("runId", d.runId());
    view.put("workflow", d.workflow());
    view.put("entryPoint", d.entryPoint());
    view.put("reason", d.reason().name());
    view.put("step", d.step());
    view.put("declaredBy", d.declaredBy());
    view.put("attempts", d.attempts());
    view.put("errorChain", d.errorChain());
    view.put("time", time(d.time()));
    return view;
  }

  static List<Map<String, Object>> letters(List<DeadLetter> letters) {
    return letters.stream().map(EndpointViews::letter).toList();
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
