package dev.firebreak.sample.invoice.services;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/**
 * A PO registry where every supplier has POs {@code PO-<n>}; a reference the fault profile marks
 * inexact (a typo) matches nothing exactly, and its neighbours are offered as suggestions.
 */
@Singleton
public final class SimulatedPurchaseOrders implements PurchaseOrders {
  @Inject
  public SimulatedPurchaseOrders() {}

  @Override
  public Optional<String> findExact(String reference, String supplier) {
    return reference.startsWith("PO-") ? Optional.of(reference) : Optional.empty();
  }

  @Override
  public List<String> similar(String reference, String supplier) {
    String digits = reference.replaceAll("\\D", "");
    if (digits.isEmpty()) {
      return List.of();
    }
    int n = Integer.parseInt(digits.length() > 6 ? digits.substring(0, 6) : digits);
    return List.of("PO-" + n, "PO-" + (n + 1));
  }

  /** Whether the invoice's printed reference has a typo; used when generating a batch. */
  public static boolean inexact(FaultProfile faults, String invoiceId) {
    return faults.random(invoiceId, "po", 0).nextDouble() < faults.inexactPoRate();
  }
}
