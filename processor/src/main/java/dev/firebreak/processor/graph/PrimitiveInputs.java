package dev.firebreak.processor.graph;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.NeutralValue;
import dev.firebreak.processor.model.StepModel;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeMirror;

/**
 * A value that may be null never reaches a primitive: a step parameter or an entry point's output
 * declared {@code int} cannot take the {@code null} of a non-critical step without a fallback (its
 * neutral default) or of a {@code @Nullable} output, which would fail in generated code at run
 * time.
 */
final class PrimitiveInputs {
  private PrimitiveInputs() {}

  static void check(
      List<StepModel> steps,
      List<ExecutableElement> stepElements,
      List<EntryPointModel> entryPoints,
      List<ExecutableElement> entryElements,
      Map<BindingKey, Integer> producers,
      ValidationReport report) {
    for (int s = 0; s < steps.size(); s++) {
      List<StepModel.Parameter> parameters = steps.get(s).parameters();
      for (int p = 0; p < parameters.size(); p++) {
        StepModel.Parameter parameter = parameters.get(p);
        if (!parameter.context() && parameter.type().getKind().isPrimitive()) {
          Integer producer = producers.get(parameter.key());
          if (producer != null) {
            check(
                steps.get(producer),
                parameter.type(),
                stepElements.get(s).getParameters().get(p),
                "parameter " + parameter.name() + " of step " + describe(stepElements.get(s)),
                report);
          }
        }
      }
    }
    for (int e = 0; e < entryPoints.size(); e++) {
      EntryPointModel entry = entryPoints.get(e);
      Integer producer = producers.get(entry.output());
      if (producer != null && entry.outputType().getKind().isPrimitive()) {
        check(
            steps.get(producer),
            entry.outputType(),
            entryElements.get(e),
            "the output of entry point " + describe(entryElements.get(e)),
            report);
      }
    }
  }

  private static void check(
      StepModel producer,
      TypeMirror primitive,
      javax.lang.model.element.Element consumer,
      String what,
      ValidationReport report) {
    boolean degradesToNull =
        !producer.critical()
            && producer.fallback() == null
            && producer.orElse() == null
            && producer.neutralDefault().kind() == NeutralValue.Kind.NULL;
    boolean nullable = producer.nullOutput() == StepModel.NullOutput.ALLOWED;
    if (!degradesToNull && !nullable) {
      return;
    }
    report.report(
        Message.NULL_INTO_PRIMITIVE,
        consumer,
        what,
        primitive,
        producer.name(),
        degradesToNull
            ? "it is non-critical without a fallback or orElse, and degrades to null"
            : "its output is @Nullable",
        boxed(primitive),
        degradesToNull
            ? "make " + producer.name() + " critical or give it a fallback or an orElse"
            : "drop @Nullable from " + producer.name());
  }

  /** {@code Integer} for {@code int}, and so on. */
  private static String boxed(TypeMirror primitive) {
    switch (primitive.getKind()) {
      case INT:
        return "Integer";
      case CHAR:
        return "Character";
      default:
        String name = primitive.getKind().name().toLowerCase();
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
  }
}
