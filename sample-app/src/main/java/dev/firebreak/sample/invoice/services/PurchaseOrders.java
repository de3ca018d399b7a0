package dev.firebreak.sample.invoice.services;

import java.util.List;
import java.util.Optional;

/** The ERP's purchase-order registry. */
public interface PurchaseOrders {
  /** The PO with exactly this reference, if any. */
  Optional<String> findExact(String reference, String supplier);

  /** Open POs of the supplier that look like the reference. */
  List<String> similar(String reference, String supplier);
}
