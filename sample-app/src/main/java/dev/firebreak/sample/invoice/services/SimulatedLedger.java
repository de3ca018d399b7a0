package dev.firebreak.sample.invoice.services;

import dev.firebreak.sample.invoice.model.AccountingEntry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory ledger that is idempotent per key and fails transiently per the fault profile. */
@Singleton
public final class SimulatedLedger implements Ledger {
  private final FaultProfile faults;
  private final Map<String, AccountingEntry> byKey = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
  private final Map<String, AccountingEntry> booked = new ConcurrentHashMap<>();

  @Inject
  public SimulatedLedger(FaultProfile faults) {
    this.faults = faults;
  }

  @Override
  public AccountingEntry post(
      String idempotencyKey,
      String invoiceId,
      BigDecimal amount,
      String poNumber,
      boolean pendingReview) {
    AccountingEntry existing = byKey.get(idempotencyKey);
    if (existing != null) {
      return existing;
    }
    int attempt =
        attempts.computeIfAbsent(idempotencyKey, k -> new AtomicInteger()).incrementAndGet();
    if (faults.random(invoiceId, "ledger", attempt).nextDouble() < faults.ledgerErrorRate()) {
      throw new LedgerException("ledger lock timeout posting " + invoiceId);
    }
    AccountingEntry entry =
        byKey.computeIfAbsent(
            idempotencyKey,
            k ->
                new AccountingEntry("JE-" + invoiceId, invoiceId, amount, poNumber, pendingReview));
    booked.put(entry.entryId(), entry);
    return entry;
  }

  @Override
  public void reverse(AccountingEntry entry) {
    booked.remove(entry.entryId());
  }

  @Override
  public int bookedEntries() {
    return booked.size();
  }
}
