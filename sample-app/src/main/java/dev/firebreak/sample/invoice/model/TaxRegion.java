package dev.firebreak.sample.invoice.model;

/** Where a supplier is registered for VAT; {@code UNKNOWN} when nobody could say. */
public enum TaxRegion {
  EU,
  UK,
  CH,
  UNKNOWN
}
