package dev.firebreak.sample.triage;

import dev.firebreak.runtime.WorkflowStatus;
import java.time.Duration;

/** The triage case study's side-by-side table. */
final class TriageTable {
  private static final String ROW = "%-40s %18s %18s%n";

  private TriageTable() {}

  static String render(TriageStudy.Report r) {
    TriageStudy.Plain plain = r.plain();
    TriageStudy.Firebreak fb = r.firebreak();
    int n = r.tickets();
    int fbDone = fb.count(WorkflowStatus.COMPLETED) + fb.count(WorkflowStatus.COMPLETED_DEGRADED);
    int fbFailed = fb.count(WorkflowStatus.FAILED) + fb.count(WorkflowStatus.COMPENSATION_FAILED);
    StringBuilder s = new StringBuilder();
    s.append(String.format(ROW, "", "plain LangChain4j", "Firebreak"));
    s.append(String.format(ROW, "Tickets", n, n));
    s.append(
        String.format(
            ROW,
            "End-to-end success",
            percent(plain.outcome().completed(), n),
            percent(fbDone, n)));
    s.append(
        String.format(
            ROW,
            "  degraded, named on the run",
            "-",
            percent(fb.count(WorkflowStatus.COMPLETED_DEGRADED), n)));
    s.append(
        String.format(ROW, "    reply drafted by the backup model", "-", fb.draftedByBackup()));
    s.append(
        String.format(
            ROW,
            "    reply sent unreviewed",
            plain.outcome().unreviewed() + " (unrecorded)",
            fb.notReviewed() + " (recorded)"));
    s.append(
        String.format(
            ROW, "Failed", plain.outcome().failed() + " (lost)", fbFailed + " (dead letters)"));
    if (plain.billing() != null) {
      s.append(
          String.format(
              ROW,
              "HTTP requests to the models",
              plain.billing().requests(),
              fb.billing().requests()));
      s.append(
          String.format(ROW, "Tokens billed", plain.billing().tokens(), fb.billing().tokens()));
      s.append(
          String.format(
              ROW,
              "  per ticket triaged",
              perTicket(plain.billing().tokens(), plain.outcome().completed()),
              perTicket(fb.billing().tokens(), fbDone)));
    }
    s.append(String.format(ROW, "Wall time", seconds(plain.elapsed()), seconds(fb.elapsed())));
    if (!plain.outcome().failedAt().isEmpty()) {
      s.append(String.format("%nPlain LangChain4j lost tickets at:%n"));
      plain
          .outcome()
          .failedAt()
          .forEach((step, k) -> s.append(String.format("  %-38s %6d%n", step, k)));
    }
    s.append(
        String.format(
            "%nFirebreak: tokens of the answers received, by step (ModelTokenMeters):%n"));
    fb.tokensByStep().forEach((step, k) -> s.append(String.format("  %-38s %6d%n", step, k)));
    s.append(String.format("%nFirebreak dead letters:%n"));
    if (fb.deadLetters().isEmpty()) {
      s.append("  (none)\n");
    }
    fb.deadLetters().forEach((why, k) -> s.append(String.format("  %-38s %6d%n", why, k)));
    if (plain.billing() != null) {
      s.append(String.format("%nFaults the server injected (plain · Firebreak):%n"));
      for (var fault : dev.firebreak.sample.triage.server.ModelFaults.Fault.values()) {
        long p = plain.billing().faults().getOrDefault(fault, 0L);
        long f = fb.billing().faults().getOrDefault(fault, 0L);
        if (p + f > 0) {
          s.append(String.format("  %-38s %6d · %d%n", fault, p, f));
        }
      }
    }
    return s.toString();
  }

  private static String percent(int k, int of) {
    return String.format("%.1f %%", of == 0 ? 0.0 : 100.0 * k / of);
  }

  private static String perTicket(long tokens, int tickets) {
    return tickets == 0 ? "-" : String.valueOf(Math.round((double) tokens / tickets));
  }

  private static String seconds(Duration d) {
    return String.format("%.2f s", d.toNanos() / 1e9);
  }
}
