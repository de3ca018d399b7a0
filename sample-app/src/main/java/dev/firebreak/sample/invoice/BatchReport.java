package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a batch run produced, counted from the runs' results (never from the fault profile).
 *
 * @param invoices runs started
 * @param byStatus runs per final status
 * @param pendingReview completed runs whose entry waits for review: its PO match only suggested, or
 *     its supplier's tax region unknown
 * @param failuresByStep failed runs per step that failed them
 * @param deadLettersByReason dead letters per reason
 * @param elapsed wall time of the batch
 * @param retries retries the runtime scheduled
 * @param breakerOpenings times a circuit breaker opened
 * @param parked times a run waited for an open breaker
 */
public record BatchReport(
    int invoices,
    Map<WorkflowStatus, Integer> byStatus,
    int pendingReview,
    Map<String, Integer> failuresByStep,
    Map<String, Integer> deadLettersByReason,
    Duration elapsed,
    int retries,
    int breakerOpenings,
    int parked) {

  static BatchReport of(
      List<WorkflowResult<AccountingEntry>> results,
      Map<String, Integer> deadLetters,
      Duration elapsed,
      Stats stats) {
    Map<WorkflowStatus, Integer> byStatus = new EnumMap<>(WorkflowStatus.class);
    Map<String, Integer> failures = new TreeMap<>();
    int pendingReview = 0;
    for (WorkflowResult<AccountingEntry> r : results) {
      byStatus.merge(r.status(), 1, Integer::sum);
      if (r.isSuccess() && r.output() != null && r.output().pendingReview()) {
        pendingReview++;
      }
      if (r.failedStep() != null) {
        failures.merge(r.failedStep(), 1, Integer::sum);
      }
    }
    return new BatchReport(
        results.size(),
        byStatus,
        pendingReview,
        failures,
        new TreeMap<>(deadLetters),
        elapsed,
        stats.retries(),
        stats.breakerOpenings(),
        stats.parked());
  }

  public int count(WorkflowStatus status) {
    return byStatus.getOrDefault(status, 0);
  }

  /** Runs that produced an accounting entry (degraded ones included). */
  public int succeeded() {
    return count(WorkflowStatus.COMPLETED) + count(WorkflowStatus.COMPLETED_DEGRADED);
  }

  /** Runs routed to a human: failed runs in the dead-letter queue. */
  public int manualQueue() {
    return invoices - succeeded();
  }

  private String percent(int n) {
    return String.format("%5.1f %%", invoices == 0 ? 0.0 : 100.0 * n / invoices);
  }

  /** The report as the sample prints it. */
  public String render() {
    StringBuilder s = new StringBuilder();
    double seconds = elapsed.toNanos() / 1e9;
    s.append(String.format("%-34s %10s%n", "Invoices", invoices));
    s.append(String.format("%-34s %10s%n", "End-to-end success", percent(succeeded())));
    s.append(
        String.format("%-34s %10s%n", "  completed", percent(count(WorkflowStatus.COMPLETED))));
    s.append(
        String.format(
            "%-34s %10s%n",
            "  degraded (suggested PO match)", percent(count(WorkflowStatus.COMPLETED_DEGRADED))));
    s.append(String.format("%-34s %10s%n", "Manual queue (dead letters)", percent(manualQueue())));
    s.append(String.format("%-34s %10.2f s%n", "Processing time", seconds));
    s.append(
        String.format("%-34s %10.1f /s%n", "Throughput", seconds == 0 ? 0.0 : invoices / seconds));
    if (!failuresByStep.isEmpty()) {
      s.append(String.format("%nFailed runs by step:%n"));
      failuresByStep.forEach((step, n) -> s.append(String.format("  %-32s %10d%n", step, n)));
    }
    s.append(String.format("%nDead letters by reason:%n"));
    if (deadLettersByReason.isEmpty()) {
      s.append("  (none)\n");
    }
    deadLettersByReason.forEach(
        (reason, n) -> s.append(String.format("  %-32s %10d%n", reason, n)));
    return s.toString();
  }
}
