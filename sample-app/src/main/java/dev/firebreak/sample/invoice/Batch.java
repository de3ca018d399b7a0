package dev.firebreak.sample.invoice;

import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import dev.firebreak.sample.invoice.services.SimulatedPurchaseOrders;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generates a seeded batch of invoices with the fault profile's share of bad ones. */
public final class Batch {
  private static final String[] SUPPLIERS = {
    "Nordfracht", "Rapid Cargo", "Iberia Logistics", "Alpine Haulage"
  };

  private Batch() {}

  public static List<InvoiceFile> generate(FaultProfile faults, int count) {
    List<InvoiceFile> invoices = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String id = String.format("INV-%06d", i + 1);
      Random r = faults.random(id, "invoice", 0);
      BigDecimal total =
          BigDecimal.valueOf(50 + r.nextInt(20_000_00) / 100.0).setScale(2, RoundingMode.HALF_UP);
      if (faults.random(id, "amount", 0).nextDouble() < faults.invalidAmountRate()) {
        total = total.negate();
      }
      String po = "PO-" + (100_000 + r.nextInt(900_000));
      if (SimulatedPurchaseOrders.inexact(faults, id)) {
        po = po.replace("PO-", "P0 ");
      }
      invoices.add(
          new InvoiceFile(id, SUPPLIERS[r.nextInt(SUPPLIERS.length)], r.nextDouble(), total, po));
    }
    return invoices;
  }
}
