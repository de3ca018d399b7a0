package dev.firebreak.runtime;

/**
 * An attempt failed fast because its circuit breaker is open (or half-open with every trial taken);
 * the agent method was not invoked.
 */
public class CircuitOpenException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String breaker;

  public CircuitOpenException(String breaker) {
    super("circuit breaker '" + breaker + "' is open", null, false, false);
    this.breaker = breaker;
  }

  /** The name of the open breaker. */
  public String breaker() {
    return breaker;
  }
}
