package dev.firebreak.sample.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the case study end to end, Dagger wiring and generated orchestrator included. */
class CaseStudyTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  @Test
  void withoutFaultsEveryInvoiceCompletes() {
    BatchReport report = Main.run(FaultProfile.none(7), 50, dir.resolve("none.db"), null);
    assertEquals(50, report.count(WorkflowStatus.COMPLETED), report.render());
    assertEquals(0, report.manualQueue());
    assertTrue(report.deadLettersByReason().isEmpty());
  }

  @Test
  void caseStudyFaultsAreRetriedDegradedOrDeadLetteredNeverLost() {
    FaultProfile faults = FaultProfile.caseStudy(42);
    int count = 200;
    List<InvoiceFile> batch = Batch.generate(faults, count);
    long invalid = batch.stream().filter(f -> f.statedTotal().signum() <= 0).count();
    long inexact = batch.stream().filter(f -> !f.poReference().startsWith("PO-")).count();

    BatchReport report = Main.run(faults, count, dir.resolve("case-study.db"), null);

    // Every run ends in exactly one visible state.
    int accounted = report.byStatus().values().stream().mapToInt(Integer::intValue).sum();
    assertEquals(count, accounted, report.render());
    // Impossible amounts are rejected as bad input, each with a dead letter.
    assertEquals(
        (int) invalid,
        report.deadLettersByReason().getOrDefault("INVALID_INPUT", 0),
        report.render());
    // Inexact PO references degrade to suggested matches instead of blocking the invoice.
    assertTrue(
        report.count(WorkflowStatus.COMPLETED_DEGRADED) >= inexact - invalid, report.render());
    assertTrue(report.pendingReview() > 0, report.render());
    // Retries absorb transient OCR and ledger faults: only bad input ends in the manual queue.
    assertEquals(
        report.manualQueue(),
        report.deadLettersByReason().values().stream().mapToInt(Integer::intValue).sum());
    assertTrue(report.succeeded() >= count * 0.9, report.render());
  }
}
