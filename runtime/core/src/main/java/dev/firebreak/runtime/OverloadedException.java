package dev.firebreak.runtime;

/**
 * A run was refused at once because the runtime already has its maximum number of runs in flight.
 * Nothing of the run was started; the caller may retry later.
 */
public class OverloadedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int maxInFlightRuns;

  public OverloadedException(int maxInFlightRuns) {
    super("Firebreak runtime overloaded: " + maxInFlightRuns + " runs already in flight");
    this.maxInFlightRuns = maxInFlightRuns;
  }

  /** The admission limit that was reached. */
  public int maxInFlightRuns() {
    return maxInFlightRuns;
  }
}
