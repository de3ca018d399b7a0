package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.NullOutputException;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.util.Optional;

/**
 * What a null output of a step means: a failed attempt, unless the step declares its output
 * nullable ({@code @Nullable}: it flows on) or {@code Optional} (it is {@code Optional.empty()}),
 * so that no null reaches the next step as a silent half-result.
 */
final class NullOutputs {
  private NullOutputs() {}

  /**
   * {@code value} as the output of step {@code index} of {@code plan}; {@code how} says where a
   * null came from ("returned").
   *
   * @throws NullOutputException for a null the step refuses
   */
  static Object checked(BoundPlan plan, int index, Object value, String how) {
    if (value != null) {
      return value;
    }
    StepDescriptor step = plan.steps[index];
    switch (step.nullOutput()) {
      case ALLOWED:
        return null;
      case EMPTY_OPTIONAL:
        return Optional.empty();
      default:
        throw new NullOutputException(
            "step '"
                + step.name()
                + "'"
                + plan.declaredByNotes[index]
                + " "
                + how
                + " null: declare its output Optional, or the method @Nullable, if no value is a"
                + " valid answer");
    }
  }
}
