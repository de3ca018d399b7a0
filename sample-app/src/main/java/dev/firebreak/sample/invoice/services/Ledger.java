package dev.firebreak.sample.invoice.services;

import dev.firebreak.sample.invoice.model.AccountingEntry;
import java.math.BigDecimal;

/** The accounting ledger. */
public interface Ledger {
  /** Posts an entry; {@code idempotencyKey} makes a repeated post a no-op. */
  AccountingEntry post(
      String idempotencyKey,
      String invoiceId,
      BigDecimal amount,
      String poNumber,
      boolean pendingReview);

  /** Books the reversing entry of {@code entry}. */
  void reverse(AccountingEntry entry);

  /** Entries currently booked (posted and not reversed). */
  int bookedEntries();
}
