package dev.firebreak.sample.invoice.agents;

import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.runtime.InvalidInputException;
import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.ValidatedAmounts;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Checks that an invoice's amounts are possible: lines add up to the total, the total is positive
 * and below the approval limit. Impossible amounts are bad input, not a transient failure: they are
 * never retried and go straight to the dead-letter queue.
 */
public final class ValidationAgent {
  static final BigDecimal APPROVAL_LIMIT = new BigDecimal("1000000");
  static final BigDecimal VAT = new BigDecimal("1.20");

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
}
