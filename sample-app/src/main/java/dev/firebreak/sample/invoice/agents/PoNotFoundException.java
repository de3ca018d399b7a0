package dev.firebreak.sample.invoice.agents;

/** No purchase order matches an invoice's reference exactly. */
public class PoNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PoNotFoundException(String message) {
    super(message);
  }
}
