package dev.firebreak.sample.invoice.model;

import java.math.BigDecimal;
import java.util.List;

/** What OCR read off an invoice. */
public record ExtractedInvoice(
    String invoiceId, String supplier, List<Line> lines, BigDecimal total, String poReference) {

  /** One invoice line. */
  public record Line(String description, int quantity, BigDecimal unitPrice) {}
}
