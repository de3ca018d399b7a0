package dev.firebreak.sample.invoice;

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

/**
 * {@code runs [STATUS...] [--limit N] [--after CURSOR]}: the counts by status, then a page of the
 * store's runs, newest first, through the runtime's runs API; the last line says how to get the
 * next page.
 */
final class RunsCommand {
  private RunsCommand() {}

  static int execute(
      List<String> statuses, int limit, String after, Path database, PrintStream out) {
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

  private static String statusArgs(List<WorkflowStatus> statuses) {
    StringBuilder s = new StringBuilder();
    statuses.forEach(status -> s.append(' ').append(status));
    return s.toString();
  }
}
