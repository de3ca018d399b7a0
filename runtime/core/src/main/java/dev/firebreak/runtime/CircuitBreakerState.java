package dev.firebreak.runtime;

/** The states of a circuit breaker. */
public enum CircuitBreakerState {
  /** Calls pass; consecutive failures are counted. */
  CLOSED,
  /** Calls fail fast with {@link CircuitOpenException} until {@code openFor} has passed. */
  OPEN,
  /** At most {@code halfOpenTrials} calls pass; all succeed → closed, one fails → open. */
  HALF_OPEN
}
