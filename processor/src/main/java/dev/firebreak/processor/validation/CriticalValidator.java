package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.ConstantDefault;
import dev.firebreak.processor.model.StepModel;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeMirror;

/**
 * Validates a step's {@code @Critical}: whether its failure fails the run, its fallback ({@link
 * FallbackValidator}) and its {@code orElse} constant ({@link ConstantParser}), and that a
 * non-critical primitive step has something to yield.
 */
final class CriticalValidator {
  /** What a step does once it has failed for good. */
  record Degradation(boolean critical, StepModel.Call fallback, ConstantDefault orElse) {
    static final Degradation CRITICAL = new Degradation(true, null, null);
  }

  private final ValidationContext context;
  private final FallbackValidator fallbacks;

  CriticalValidator(ValidationContext context, FallbackValidator fallbacks) {
    this.context = context;
    this.fallbacks = fallbacks;
  }

  Degradation degradation(
      ExecutableElement method,
      TypeElement agent,
      TypeMirror produced,
      boolean async,
      List<StepModel.Parameter> parameters,
      ValidationReport report) {
    Optional<AnnotationMirror> found =
        AnnotationValues.find(method, AnnotationValues.ANNOTATIONS + "Critical");
    if (found.isEmpty()) {
      return Degradation.CRITICAL;
    }
    AnnotationMirror critical = found.get();
    String where = describe(method);
    boolean isCritical = context.values.bool(critical, "value");
    String fallbackName = context.values.string(critical, "fallback");
    String orElseText = context.values.string(critical, "orElse");
    StepModel.Call fallback =
        fallbackName.isEmpty()
            ? null
            : fallbacks.fallback(
                method, agent, critical, fallbackName, produced, async, parameters, report);
    ConstantDefault orElse = null;
    if (!orElseText.isEmpty()) {
      if (isCritical) {
        report.reportOn(Message.OR_ELSE_ON_CRITICAL, method, critical, "orElse", where);
      } else if (!fallbackName.isEmpty()) {
        report.reportOn(Message.OR_ELSE_WITH_FALLBACK, method, critical, "orElse", where);
      } else {
        orElse = orElse(method, critical, orElseText, produced, report);
      }
    } else if (!isCritical && fallbackName.isEmpty() && produced.getKind().isPrimitive()) {
      report.reportOn(
          Message.PRIMITIVE_NON_CRITICAL,
          method,
          critical,
          "value",
          where,
          produced,
          context.types.boxedClass((PrimitiveType) produced).getSimpleName());
    }
    return new Degradation(isCritical, fallback, orElse);
  }

  private static ConstantDefault orElse(
      ExecutableElement method,
      AnnotationMirror critical,
      String text,
      TypeMirror produced,
      ValidationReport report) {
    String where = describe(method);
    ConstantParser.Outcome outcome = ConstantParser.parse(text, produced);
    if (outcome instanceof ConstantParser.Parsed parsed) {
      return parsed.constant();
    }
    if (outcome instanceof ConstantParser.NotParseable bad) {
      report.reportOn(
          Message.OR_ELSE_NOT_PARSEABLE,
          method,
          critical,
          "orElse",
          text,
          where,
          bad.expected(),
          bad.why() == null ? "" : ": " + bad.why());
    } else if (outcome instanceof ConstantParser.UnknownConstant unknown) {
      String name = text.trim();
      report.reportOn(
          Message.OR_ELSE_UNKNOWN_CONSTANT,
          method,
          critical,
          "orElse",
          text,
          where,
          produced,
          Names.nearest(name, unknown.constants())
              .map(s -> ": did you mean " + s + "?")
              .orElse("; its constants are " + String.join(", ", unknown.constants())));
    } else {
      report.reportOn(
          Message.OR_ELSE_NO_CONSTANT_FORM,
          method,
          critical,
          "orElse",
          where,
          produced,
          ConstantParser.TYPES);
    }
    return null;
  }
}
