package dev.firebreak.runtime;

import java.util.Objects;

/**
 * A step whose output did not come from the step itself.
 *
 * @param step the step's name
 * @param cause the failure that made it degrade
 * @param fallbackUsed {@code true} if a fallback produced the output, {@code false} if the step
 *     yielded its neutral default
 */
public record DegradedStep(String step, Throwable cause, boolean fallbackUsed) {
  public DegradedStep {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(cause, "cause");
  }

  @Override
  public String toString() {
    return step + (fallbackUsed ? " (fallback) " : " (neutral default) ") + "after " + cause;
  }
}
