package dev.firebreak.runtime.graph;

/**
 * A decimal bound of {@link dev.firebreak.annotations.PolicyLimits} as the descriptors' exception
 * messages print it: a whole number without a fraction ({@code "0..1"}, {@code ">= 1"}), any other
 * as Java prints a double.
 */
final class Bounds {
  private Bounds() {}

  static String text(double bound) {
    return bound == Math.rint(bound) && Math.abs(bound) < 1e15
        ? Long.toString((long) bound)
        : Double.toString(bound);
  }
}
