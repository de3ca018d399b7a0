package dev.firebreak.sample.invoice.agents;

import dev.firebreak.annotations.Checkpointed;
import dev.firebreak.annotations.Compensate;
import dev.firebreak.annotations.Retry;
import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.PoMatch;
import dev.firebreak.sample.invoice.model.TaxRegion;
import dev.firebreak.sample.invoice.model.ValidatedAmounts;
import dev.firebreak.sample.invoice.services.Ledger;
import dev.firebreak.sample.invoice.services.LedgerException;
import jakarta.inject.Inject;

/**
 * Posts the accounting entry, for review when the PO match was only suggested or the supplier's tax
 * region is unknown. The ledger call carries the step's idempotency key, so a retry or a resume
 * never books twice; a failed run reverses the entry (saga compensation).
 */
public final class AccountingAgent {
  private final Ledger ledger;

  @Inject
  public AccountingAgent(Ledger ledger) {
    this.ledger = ledger;
  }

  @Step
  @Retry(maxAttempts = 3, delay = "10ms", retryOn = LedgerException.class)
  @Timeout("200ms")
  @Checkpointed
  @Compensate("reverse")
  public AccountingEntry post(
      ExtractedInvoice invoice,
      ValidatedAmounts amounts,
      PoMatch match,
      TaxRegion region,
      StepContext context) {
    return ledger.post(
        context.idempotencyKey(),
        invoice.invoiceId(),
        amounts.gross(),
        match.poNumber(),
        !match.exact() || region == TaxRegion.UNKNOWN);
  }

  /** Compensation: a reversing entry, keyed like the original so a replay reverses once. */
  public void reverse(AccountingEntry entry) {
    ledger.reverse(entry);
  }
}
