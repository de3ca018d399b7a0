package dev.firebreak.sample.invoice.model;

import java.math.BigDecimal;

/**
 * A posted ledger entry. {@code pendingReview} when the PO match was only suggested or the
 * supplier's tax region is unknown.
 */
public record AccountingEntry(
    String entryId, String invoiceId, BigDecimal amount, String poNumber, boolean pendingReview) {}
