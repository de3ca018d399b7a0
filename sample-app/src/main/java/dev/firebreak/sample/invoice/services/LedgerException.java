package dev.firebreak.sample.invoice.services;

/** The ledger refused a posting for a transient reason (lock timeout, failover). */
public class LedgerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LedgerException(String message) {
    super(message);
  }
}
