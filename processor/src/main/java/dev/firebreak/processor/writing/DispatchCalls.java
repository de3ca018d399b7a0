package dev.firebreak.processor.writing;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import dev.firebreak.processor.model.StepModel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.lang.model.element.Modifier;

/**
 * The methods of a generated dispatch that call the agent by step name — {@code call}, {@code
 * fallback} and {@code compensate} — each a switch over the steps, each case passing the agent
 * method its arguments: the call's inputs cast back to their types, the output to undo, the
 * failure, or the context.
 */
final class DispatchCalls {
  private DispatchCalls() {}

  /** {@code call(step, inputs, context)}: each step method, with its parameters. */
  static MethodSpec call(List<StepModel> own) {
    return byName(
            "call",
            own,
            step -> new StepModel.Call(step.method(), parameters(step), false),
            "return agent.$L($L)",
            "throw new $T(noStep(step))")
        .returns(Object.class)
        .addParameter(String.class, "step")
        .addParameter(Object[].class, "inputs")
        .addParameter(Types.STEP_CONTEXT, "context")
        .build();
  }

  /**
   * {@code fallback(step, inputs, failure)}: each step's fallback, with the step's inputs it takes
   * and the failure it stands in for.
   */
  static MethodSpec fallback(List<StepModel> own) {
    return byName(
            "fallback",
            own,
            StepModel::fallback,
            "return agent.$L($L)",
            "throw new $T(\"no fallback of a step named \" + step)")
        .returns(Object.class)
        .addParameter(String.class, "step")
        .addParameter(Object[].class, "inputs")
        .addParameter(Throwable.class, "failure")
        .build();
  }

  /**
   * {@code compensate(step, output, inputs, context)}: each step's compensation, with the output it
   * undoes and the step's inputs it takes.
   */
  static MethodSpec compensate(List<StepModel> own) {
    return byName(
            "compensate",
            own,
            StepModel::compensation,
            "agent.$L($L)",
            "throw new $T(\"no compensation of a step named \" + step)")
        .addParameter(String.class, "step")
        .addParameter(Object.class, "output")
        .addParameter(Object[].class, "inputs")
        .addParameter(Types.STEP_CONTEXT, "context")
        .build();
  }

  /** Whether any of {@code own} has what {@code which} picks. */
  static boolean any(List<StepModel> own, Function<StepModel, StepModel.Call> which) {
    return own.stream().anyMatch(step -> which.apply(step) != null);
  }

  /** The step method's own arguments: its parameters, in order. */
  private static List<StepModel.Argument> parameters(StepModel step) {
    List<StepModel.Argument> arguments = new ArrayList<>();
    for (int p = 0; p < step.parameters().size(); p++) {
      arguments.add(
          step.parameters().get(p).context()
              ? new StepModel.Argument(StepModel.Argument.Kind.CONTEXT, -1)
              : new StepModel.Argument(StepModel.Argument.Kind.PARAMETER, p));
    }
    return arguments;
  }

  /**
   * An {@code @Override public} method switching on {@code step}: a case per step that has what
   * {@code which} picks, running {@code statement} with the method's name and arguments (then
   * returning, if it does not); the default case runs {@code otherwise} with {@code
   * IllegalArgumentException}.
   */
  private static MethodSpec.Builder byName(
      String name,
      List<StepModel> own,
      Function<StepModel, StepModel.Call> which,
      String statement,
      String otherwise) {
    CodeBlock.Builder cases = CodeBlock.builder().beginControlFlow("switch (step)");
    boolean unchecked = false;
    for (StepModel step : own) {
      StepModel.Call call = which.apply(step);
      if (call == null) {
        continue;
      }
      CodeBlock.Builder args = CodeBlock.builder();
      for (int a = 0; a < call.arguments().size(); a++) {
        StepModel.Argument argument = call.arguments().get(a);
        TypeName type = typeOf(step, argument);
        unchecked |= type instanceof ParameterizedTypeName;
        args.add(a == 0 ? "" : ", ").add(expression(step, argument, type));
      }
      cases.add("case $S:\n", step.name()).indent();
      cases.addStatement(statement, call.method(), args.build());
      if (!statement.startsWith("return")) {
        cases.addStatement("return");
      }
      cases.unindent();
    }
    cases
        .add("default:\n")
        .indent()
        .addStatement(otherwise, IllegalArgumentException.class)
        .unindent()
        .endControlFlow();
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(name)
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addException(Exception.class)
            .addCode(cases.build());
    if (unchecked) {
      method.addAnnotation(
          AnnotationSpec.builder(SuppressWarnings.class)
              .addMember("value", "$S", "unchecked")
              .build());
    }
    return method;
  }

  /** The type an argument is cast to, or null if it needs no cast. */
  private static TypeName typeOf(StepModel step, StepModel.Argument argument) {
    return switch (argument.kind()) {
      case OUTPUT -> TypeName.get(step.producedType());
      case PARAMETER -> TypeName.get(step.parameters().get(argument.parameterIndex()).type());
      default -> null;
    };
  }

  private static CodeBlock expression(StepModel step, StepModel.Argument argument, TypeName type) {
    return switch (argument.kind()) {
      case OUTPUT -> CodeBlock.of("($T) output", type);
      case PARAMETER ->
          CodeBlock.of("($T) inputs[$L]", type, inputIndex(step, argument.parameterIndex()));
      case FAILURE -> CodeBlock.of("failure");
      case CONTEXT -> CodeBlock.of("context");
    };
  }

  /** Where parameter {@code p} of {@code step} is among the inputs a call carries. */
  private static int inputIndex(StepModel step, int p) {
    int index = 0;
    for (int q = 0; q < p; q++) {
      index += step.parameters().get(q).context() ? 0 : 1;
    }
    return index;
  }
}
