package dev.firebreak.sample.invoice.model;

import java.util.List;

/**
 * The purchase order an invoice belongs to: an exact match, or suggestions for a clerk when the
 * reference could not be matched exactly.
 */
public record PoMatch(String poNumber, boolean exact, List<String> suggestions) {

  public static PoMatch exact(String poNumber) {
    return new PoMatch(poNumber, true, List.of());
  }

  public static PoMatch suggested(List<String> suggestions) {
    return new PoMatch(null, false, List.copyOf(suggestions));
  }
}
