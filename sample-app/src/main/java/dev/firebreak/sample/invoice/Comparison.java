package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.WorkflowStatus;
import java.time.Duration;

/** The same batch without and with Firebreak, side by side; every figure counted from the runs. */
record Comparison(PlainPipeline.Report plain, BatchReport firebreak) {

  private static String percent(int n, int of) {
    return String.format("%.1f %%", of == 0 ? 0.0 : 100.0 * n / of);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  String render() {
    StringBuilder s = new StringBuilder();
    String row = "%-34s %14s %14s%n";
    int n = plain.invoices();
    int plainFailed = n - plain.succeeded();
    s.append(String.format(row, "", "plain calls", "Firebreak"));
    s.append(String.format(row, "Invoices", n, firebreak.invoices()));
    s.append(
        String.format(
            row,
            "End-to-end success",
            percent(plain.succeeded(), n),
            percent(firebreak.succeeded(), firebreak.invoices())));
    s.append(
        String.format(
            row,
            "  degraded (suggested PO match)",
            "-",
            percent(firebreak.count(WorkflowStatus.COMPLETED_DEGRADED), firebreak.invoices())));
    s.append(
        String.format(
            row,
            "Manual queue (dead letters)",
            "-",
            percent(firebreak.manualQueue(), firebreak.invoices())));
    s.append(
        String.format(
            row,
            "Lost without a trace",
            percent(plainFailed, n),
            percent(0, firebreak.invoices())));
    s.append(
        String.format(
            row,
            "Processing time",
            String.format("%.2f s", seconds(plain.elapsed())),
            String.format("%.2f s", seconds(firebreak.elapsed()))));
    s.append(
        String.format(
            row,
            "Throughput",
            String.format("%.1f /s", n / Math.max(1e-9, seconds(plain.elapsed()))),
            String.format(
                "%.1f /s", firebreak.invoices() / Math.max(1e-9, seconds(firebreak.elapsed())))));
    s.append(String.format(row, "Retries", 0, firebreak.retries()));
    s.append(String.format(row, "Breaker openings", "-", firebreak.breakerOpenings()));
    s.append(String.format(row, "Runs parked on an open breaker", "-", firebreak.parked()));
    if (!plain.failuresByStep().isEmpty()) {
      s.append(String.format("%nPlain calls lost invoices at:%n"));
      plain
          .failuresByStep()
          .forEach((step, k) -> s.append(String.format("  %-32s %10d%n", step, k)));
    }
    s.append(String.format("%nFirebreak dead letters by reason (see `dlq list`):%n"));
    if (firebreak.deadLettersByReason().isEmpty()) {
      s.append("  (none)\n");
    }
    firebreak
        .deadLettersByReason()
        .forEach((reason, k) -> s.append(String.format("  %-32s %10d%n", reason, k)));
    return s.toString();
  }
}
