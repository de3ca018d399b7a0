package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.StepModel;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Validates the compensation a {@code @Compensate} step names: on its agent, accessible, void,
 * taking the step's output first, then some of the step's parameters and its context.
 */
final class CompensationValidator {
  private final ValidationContext context;
  private final AnnotationValues values;
  private final Keys keys;
  private final AgentMethods methods;

  CompensationValidator(ValidationContext context, Keys keys, AgentMethods methods) {
    this.context = context;
    this.values = context.values;
    this.keys = keys;
    this.methods = methods;
  }

  StepModel.Call compensation(
      ExecutableElement step,
      TypeElement agent,
      AnnotationMirror compensate,
      TypeMirror produced,
      List<StepModel.Parameter> stepParameters,
      ValidationReport report) {
    String methodName = values.string(compensate, "value");
    return methods.resolve(
        step,
        agent,
        methodName,
        compensate,
        "value",
        Message.COMPENSATION_MISSING,
        (candidate, explain, r) ->
            compensationCall(
                candidate, produced, stepParameters, step, explain ? compensate : null, r),
        report);
  }

  private StepModel.Call compensationCall(
      ExecutableElement candidate,
      TypeMirror produced,
      List<StepModel.Parameter> stepParameters,
      ExecutableElement step,
      AnnotationMirror mirror,
      ValidationReport report) {
    boolean explain = mirror != null;
    String name = describe(candidate);
    String modifierProblem = methods.modifierProblem(candidate);
    if (modifierProblem != null) {
      if (explain) {
        AgentMethods.explain(
            report,
            Message.COMPENSATION_INACCESSIBLE,
            step,
            mirror,
            "value",
            candidate,
            name,
            modifierProblem);
      }
      return null;
    }
    if (candidate.getReturnType().getKind() != TypeKind.VOID) {
      if (explain) {
        AgentMethods.explain(
            report,
            Message.COMPENSATION_NOT_VOID,
            step,
            mirror,
            "value",
            candidate,
            name,
            Descriptions.simple(candidate.getReturnType()));
      }
      return null;
    }
    List<? extends VariableElement> params = candidate.getParameters();
    String producedType = Descriptions.simple(produced);
    if (params.isEmpty()
        || !keys.typeString(params.get(0).asType()).equals(keys.typeString(produced))) {
      if (explain) {
        String found =
            params.isEmpty()
                ? "it takes no parameter"
                : "its first parameter is " + Descriptions.simple(params.get(0).asType());
        AgentMethods.explain(
            report,
            Message.COMPENSATION_WRONG_PARAMETERS,
            step,
            mirror,
            "value",
            candidate,
            name,
            producedType,
            found);
      }
      return null;
    }
    List<StepModel.Argument> arguments = new ArrayList<>();
    arguments.add(new StepModel.Argument(StepModel.Argument.Kind.OUTPUT, -1));
    boolean[] used = new boolean[stepParameters.size()];
    for (VariableElement p : params.subList(1, params.size())) {
      if (ValidationContext.is(p.asType(), RuntimeNames.STEP_CONTEXT)) {
        arguments.add(new StepModel.Argument(StepModel.Argument.Kind.CONTEXT, -1));
        continue;
      }
      int index = methods.matchParameter(p, stepParameters, used, report);
      if (index < 0) {
        if (explain) {
          AgentMethods.explain(
              report,
              Message.COMPENSATION_WRONG_PARAMETERS,
              step,
              mirror,
              "value",
              candidate,
              name,
              producedType,
              "parameter "
                  + p.getSimpleName()
                  + " of type "
                  + Descriptions.simple(p.asType())
                  + " is not a parameter of the step");
        }
        return null;
      }
      arguments.add(new StepModel.Argument(StepModel.Argument.Kind.PARAMETER, index));
    }
    return new StepModel.Call(candidate.getSimpleName().toString(), List.copyOf(arguments), false);
  }
}
