package dev.firebreak.runtime;

/**
 * A step's agent method (or its fallback) returned null, or its stage completed with null, and the
 * step's output is not declared nullable. The attempt fails, and is retried, degraded or fails the
 * run like any failure: a null that flowed on would reach the next step as a silent half-result.
 * Declare the output {@code Optional} (a null then reads as {@code Optional.empty()}) or annotate
 * the method {@code @Nullable} when absence is a valid answer.
 */
public class NullOutputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NullOutputException(String message) {
    super(message);
  }
}
