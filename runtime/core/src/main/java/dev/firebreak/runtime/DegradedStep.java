package dev.firebreak.runtime;

import java.util.Objects;

/**
 * A step whose output did not come from the step itself.
 *
 * @param step the step's name
 * @param cause the failure that made it degrade
 * @param fallbackUsed {@code true} if a fallback produced the output, {@code false} if the step
 *     yielded its default
 * @param defaultUsed the default the step yielded: its {@code @Critical(orElse)} constant, or its
 *     neutral default ({@code null}, an empty collection, {@code Optional.empty()}); null if a
 *     fallback produced the output
 */
public record DegradedStep(String step, Throwable cause, boolean fallbackUsed, Object defaultUsed) {
  public DegradedStep {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(cause, "cause");
  }

  /** A step its fallback degraded ({@code fallbackUsed}), or that yielded a null default. */
  public DegradedStep(String step, Throwable cause, boolean fallbackUsed) {
    this(step, cause, fallbackUsed, null);
  }

  @Override
  public String toString() {
    return step
        + (fallbackUsed ? " (fallback) " : " (default " + defaultUsed + ") ")
        + "after "
        + cause;
  }
}
