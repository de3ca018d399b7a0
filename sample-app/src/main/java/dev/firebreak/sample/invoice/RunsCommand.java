package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.RunDetails;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runs [STATUS...] [--limit N] [--after CURSOR]}: the counts by status, then a page of the
 * store's runs, newest first, through the runtime's runs API; the last line says how to get the
 * next page. {@code runs show <invoice>}: one run, its checkpoints, attempts, timeline and dead
 * letter.
 */
final class RunsCommand {
  private RunsCommand() {}

  static int execute(
      List<String> statuses, int limit, String after, Path database, PrintStream out) {
    if (!statuses.isEmpty() && statuses.get(0).equals("show")) {
      if (statuses.size() != 2) {
        throw new Main.UsageException("runs show takes one invoice id");
      }
      return show(statuses.get(1), database, out);
    }
    RunQuery query = RunQuery.all().limit(limit);
    List<WorkflowStatus> wanted = new ArrayList<>();
    for (String s : statuses) {
      try {
        wanted.add(WorkflowStatus.valueOf(s.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException(
            "unknown status " + s + "; one of " + List.of(WorkflowStatus.values()));
      }
    }
    query = query.status(wanted.toArray(WorkflowStatus[]::new));
    if (after != null) {
      try {
        query = query.after(after);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException(e.getMessage());
      }
    }
    InvoiceApp app = InvoiceApp.create(FaultProfile.none(0), database);
    try {
      Map<WorkflowStatus, Long> counts = app.runtime().runs().countByStatus();
      List<String> parts = new ArrayList<>();
      counts.forEach((status, n) -> parts.add(status + " " + n));
      out.println("runs: " + String.join(", ", parts));
      RunPage page = app.runtime().runs().list(query);
      for (RunSummary r : page.runs()) {
        out.printf(
            "%-14s %-20s created %s%s%n",
            r.runId(),
            r.status(),
            r.createdAt(),
            r.endedAt() == null ? "" : "  ended " + r.endedAt());
      }
      if (page.hasNext()) {
        out.printf(
            "more: runs%s --limit %d --db %s --after %s%n",
            statusArgs(wanted), limit, database, page.nextCursor());
      }
      return 0;
    } finally {
      app.runtime().close();
    }
  }

  /**
   * {@code runs show <invoice>}: one run, its checkpoints, attempts and timeline, its dead letter.
   */
  private static int show(String runId, Path database, PrintStream out) {
    InvoiceApp app = InvoiceApp.create(FaultProfile.none(0), database);
    try {
      Optional<RunDetails> details = app.runtime().runs().find(runId, true);
      if (details.isEmpty()) {
        out.printf("no run %s in %s%n", runId, database);
        return 1;
      }
      RunDetails d = details.get();
      out.printf(
          "%s  %s  created %s%s%s%n",
          d.run().runId(),
          d.run().status(),
          d.run().createdAt(),
          d.run().endedAt() == null ? "" : "  ended " + d.run().endedAt(),
          d.run().owner() == null ? "" : "  on node " + d.run().owner());
      d.run().inputsJson().ifPresent(json -> out.println("  inputs " + json));
      for (String step : d.checkpoints()) {
        out.printf(
            "  step %-10s checkpointed after %d attempt(s)  %s%n",
            step, d.attempts().getOrDefault(step, 1), d.outputJson(step).orElse(""));
      }
      d.attempts()
          .forEach(
              (step, n) -> {
                if (!d.checkpoints().contains(step)) {
                  out.printf("  step %-10s %d attempt(s), no checkpoint%n", step, n);
                }
              });
      if (!d.timeline().isEmpty()) {
        out.println("  timeline:");
        d.timeline().forEach(entry -> out.println("    " + entry));
      }
      d.deadLetterIfAny()
          .ifPresent(
              letter ->
                  out.printf(
                      "  dead letter: %s at step %s after %d attempt(s): %s%n",
                      letter.reason(),
                      letter.step(),
                      letter.attempts(),
                      letter.errorChain().isEmpty() ? "" : letter.errorChain().get(0)));
      return 0;
    } finally {
      app.runtime().close();
    }
  }

  private static String statusArgs(List<WorkflowStatus> statuses) {
    StringBuilder s = new StringBuilder();
    statuses.forEach(status -> s.append(' ').append(status));
    return s.toString();
  }
}
