package dev.firebreak.sample.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.DegradedStep;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.model.TaxRegion;
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

  @Test
  void aSupplierWithoutVatRegistrationDegradesToAnUnknownRegionAndWaitsForReview()
      throws Exception {
    InvoiceApp app = InvoiceApp.create(FaultProfile.none(7), dir.resolve("unknown.db"));
    try (var runtime = app.runtime()) {
      InvoiceFile file =
          new InvoiceFile(
              "INV-UNREGISTERED",
              "Unheard-of Freight",
              0.9,
              new java.math.BigDecimal("120.00"),
              "PO-100");
      WorkflowResult<AccountingEntry> result = app.workflow().process(file.id(), file);
      assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status(), result.toString());
      DegradedStep degraded = result.degradedSteps().get(0);
      assertEquals("taxRegion", degraded.step());
      assertEquals(TaxRegion.UNKNOWN, degraded.defaultUsed());
      assertTrue(result.output().pendingReview(), "an unknown tax region waits for review");
    }
  }
}
