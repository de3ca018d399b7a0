package dev.firebreak.sample.invoice.model;

import java.math.BigDecimal;

/** Amounts that passed validation: net + tax = gross. */
public record ValidatedAmounts(BigDecimal net, BigDecimal tax, BigDecimal gross) {}
