package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
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
 * Validates the fallback a {@code @Critical} step names: on its agent, accessible, returning the
 * step's output (or a stage of it, for an async step), taking some of the step's parameters and the
 * failure.
 */
final class FallbackValidator {
  private final ValidationContext context;
  private final Keys keys;
  private final AgentMethods methods;

  FallbackValidator(ValidationContext context, Keys keys, AgentMethods methods) {
    this.context = context;
    this.keys = keys;
    this.methods = methods;
  }

  StepModel.Call fallback(
      ExecutableElement step,
      TypeElement agent,
      AnnotationMirror critical,
      String fallbackName,
      TypeMirror produced,
      boolean async,
      List<StepModel.Parameter> stepParameters,
      ValidationReport report) {
    return methods.resolve(
        step,
        agent,
        fallbackName,
        critical,
        "fallback",
        Message.FALLBACK_MISSING,
        (candidate, explain, r) ->
            fallbackCall(
                candidate,
                produced,
                async,
                stepParameters,
                step,
                explain ? critical : null,
                explain ? "fallback" : null,
                r),
        report);
  }

  /** The call to {@code candidate}; null if it does not fit (reported only when mirror given). */
  private StepModel.Call fallbackCall(
      ExecutableElement candidate,
      TypeMirror produced,
      boolean async,
      List<StepModel.Parameter> stepParameters,
      ExecutableElement step,
      AnnotationMirror mirror,
      String attribute,
      ValidationReport report) {
    boolean explain = mirror != null;
    String name = describe(candidate);
    String modifierProblem = methods.modifierProblem(candidate);
    if (modifierProblem != null) {
      if (explain) {
        AgentMethods.explain(
            report,
            Message.FALLBACK_INACCESSIBLE,
            step,
            mirror,
            attribute,
            candidate,
            name,
            modifierProblem);
      }
      return null;
    }
    TypeMirror returned = candidate.getReturnType();
    String producedKey = keys.typeString(produced);
    boolean returnsStage =
        context.isStage(returned)
            && context.stageArgument(returned) != null
            && keys.typeString(context.stageArgument(returned)).equals(producedKey);
    boolean returnsOutput =
        returned.getKind() != TypeKind.VOID && keys.typeString(returned).equals(producedKey);
    // A stage of the output fits an async step only; the output itself fits any step.
    if (returnsStage ? !async : !returnsOutput) {
      if (explain) {
        AgentMethods.explain(
            report,
            Message.FALLBACK_WRONG_RETURN,
            step,
            mirror,
            attribute,
            candidate,
            name,
            Descriptions.simple(returned),
            describe(step),
            Descriptions.simple(produced),
            Descriptions.simple(produced),
            async ? " or CompletionStage<" + Descriptions.simple(produced) + ">" : "");
      }
      return null;
    }
    List<StepModel.Argument> arguments = new ArrayList<>();
    boolean[] used = new boolean[stepParameters.size()];
    for (VariableElement p : candidate.getParameters()) {
      if (ValidationContext.is(p.asType(), "java.lang.Throwable")) {
        arguments.add(new StepModel.Argument(StepModel.Argument.Kind.FAILURE, -1));
        continue;
      }
      int index = methods.matchParameter(p, stepParameters, used, report);
      if (index < 0) {
        if (explain) {
          AgentMethods.explain(
              report,
              Message.FALLBACK_WRONG_PARAMETER,
              step,
              mirror,
              attribute,
              candidate,
              name,
              p.getSimpleName(),
              Descriptions.simple(p.asType()),
              describe(step));
        }
        return null;
      }
      arguments.add(new StepModel.Argument(StepModel.Argument.Kind.PARAMETER, index));
    }
    return new StepModel.Call(
        candidate.getSimpleName().toString(), List.copyOf(arguments), returnsStage);
  }
}
