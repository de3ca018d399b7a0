package dev.firebreak.sample.invoice.agents;

import dev.firebreak.annotations.Critical;
import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.runtime.InvalidInputException;
import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.TaxRegion;
import dev.firebreak.sample.invoice.model.ValidatedAmounts;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * Checks that an invoice's amounts are possible: lines add up to the total, the total is positive
 * and below the approval limit. Impossible amounts are bad input, not a transient failure: they are
 * never retried and go straight to the dead-letter queue. Also finds where the supplier is
 * registered for VAT, which may be unknown.
 */
public final class ValidationAgent {
  static final BigDecimal APPROVAL_LIMIT = new BigDecimal("1000000");
  static final BigDecimal VAT = new BigDecimal("1.20");

  /** The suppliers' VAT registrations, as the registry knows them. */
  static final Map<String, TaxRegion> REGISTERED =
      Map.of(
          "Nordfracht", TaxRegion.EU,
          "Rapid Cargo", TaxRegion.UK,
          "Iberia Logistics", TaxRegion.EU,
          "Alpine Haulage", TaxRegion.CH);

  @Inject
  public ValidationAgent() {}

  @Step
  @Timeout("100ms")
  public ValidatedAmounts validate(ExtractedInvoice invoice) {
    BigDecimal total = invoice.total();
    if (total == null || total.signum() <= 0 || total.compareTo(APPROVAL_LIMIT) > 0) {
      throw new InvalidInputException(
          "invoice " + invoice.invoiceId() + " has an impossible total " + total);
    }
    BigDecimal sum =
        invoice.lines().stream()
            .map(l -> l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    if (sum.compareTo(total) != 0) {
      throw new InvalidInputException(
          "invoice " + invoice.invoiceId() + " lines add up to " + sum + ", not " + total);
    }
    BigDecimal net = total.divide(VAT, 2, RoundingMode.HALF_UP);
    return new ValidatedAmounts(net, total.subtract(net), total);
  }

  /**
   * The supplier's VAT region. Not worth failing an invoice over: a supplier the registry does not
   * know yields {@code UNKNOWN}, and the accounting entry waits for a clerk's review.
   */
  @Step
  @Critical(value = false, orElse = "UNKNOWN")
  @Timeout("100ms")
  public TaxRegion taxRegion(ExtractedInvoice invoice) {
    TaxRegion region = REGISTERED.get(invoice.supplier());
    if (region == null) {
      throw new IllegalStateException("no VAT registration for supplier " + invoice.supplier());
    }
    return region;
  }
}
