package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.ValidationReport;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * The shape every {@code @Step} method must have, whether or not a workflow lists its agent: not
 * private, static or generic, and returning a value.
 */
final class StepShape {
  private StepShape() {}

  /**
   * Checks the shape of a {@code @Step} method that holds for any workflow: not private, static or
   * generic, returns a value. Independent of workflows, so errors show even for unlisted agents.
   */
  static void check(ValidationContext context, ValidationReport report, ExecutableElement method) {
    problem(context, method)
        .ifPresent(
            problem ->
                report.report(
                    problem,
                    method,
                    describe(method),
                    Descriptions.simple(method.getReturnType())));
  }

  /** The first thing wrong with the method's shape, if any. */
  static Optional<Message> problem(ValidationContext context, ExecutableElement method) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return Optional.of(Message.STEP_PRIVATE);
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return Optional.of(Message.STEP_STATIC);
    }
    if (!method.getTypeParameters().isEmpty()) {
      return Optional.of(Message.STEP_GENERIC);
    }
    TypeMirror returned = method.getReturnType();
    if (returned.getKind() == TypeKind.VOID || ValidationContext.is(returned, "java.lang.Void")) {
      return Optional.of(Message.STEP_VOID);
    }
    if (context.isStage(returned)) {
      TypeMirror argument = context.stageArgument(returned);
      if (argument == null) {
        return Optional.of(Message.STEP_RAW_TYPE);
      }
      if (argument.getKind() == TypeKind.WILDCARD) {
        return Optional.of(Message.STEP_WILDCARD_STAGE);
      }
      if (ValidationContext.is(argument, "java.lang.Void")) {
        return Optional.of(Message.STEP_VOID);
      }
    }
    return Optional.empty();
  }
}
