package dev.firebreak.sample.invoice.agents;

import dev.firebreak.annotations.Critical;
import dev.firebreak.annotations.Retry;
import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.PoMatch;
import dev.firebreak.sample.invoice.model.ValidatedAmounts;
import dev.firebreak.sample.invoice.services.PurchaseOrders;
import jakarta.inject.Inject;

/**
 * Matches an invoice to its purchase order. Non-critical: when no exact match exists it
 * <em>suggests</em> matches for a clerk instead of blocking the invoice (the case study's key
 * degradation).
 */
public final class MatchingAgent {
  private final PurchaseOrders purchaseOrders;

  @Inject
  public MatchingAgent(PurchaseOrders purchaseOrders) {
    this.purchaseOrders = purchaseOrders;
  }

  @Step
  @Critical(value = false, fallback = "suggestMatches")
  @Retry(maxAttempts = 2, delay = "10ms", abortOn = PoNotFoundException.class)
  @Timeout("100ms")
  public PoMatch match(ExtractedInvoice invoice, ValidatedAmounts amounts) {
    return purchaseOrders
        .findExact(invoice.poReference(), invoice.supplier())
        .map(PoMatch::exact)
        .orElseThrow(
            () ->
                new PoNotFoundException(
                    "no PO " + invoice.poReference() + " for " + invoice.supplier()));
  }

  /** Fallback: candidates for a human when no exact PO matches. */
  public PoMatch suggestMatches(ExtractedInvoice invoice, Throwable failure) {
    return PoMatch.suggested(purchaseOrders.similar(invoice.poReference(), invoice.supplier()));
  }
}
