package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.CodecPlan;
import dev.firebreak.processor.model.EntryPointModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Validates one entry point of a workflow: its shape, its inputs and {@code @RunId}, its output,
 * and whether its inputs and output can be stored; builds its {@link EntryPointModel}.
 */
final class EntryPointValidator {
  private final ValidationContext context;
  private final CheckpointTypes checkpointTypes;

  EntryPointValidator(ValidationContext context, CheckpointTypes checkpointTypes) {
    this.context = context;
    this.checkpointTypes = checkpointTypes;
  }

  /**
   * Validates the entry point {@code method}; empty if anything is wrong. When the workflow has
   * {@code checkpointed} steps, inputs that cannot be stored are warned about: such a run resumes
   * only when called again.
   */
  Optional<EntryPointModel> validate(
      ExecutableElement method, boolean checkpointed, ValidationReport workflow) {
    ValidationReport report = workflow.child();
    String where = describe(method);
    if (!method.getTypeParameters().isEmpty()) {
      report.report(Message.ENTRY_POINT_GENERIC, method, where);
    }
    TypeMirror returned = method.getReturnType();
    if (returned.getKind() == TypeKind.VOID) {
      report.report(Message.ENTRY_POINT_VOID, method, where);
      return Optional.empty();
    }
    EntryPointModel.Shape shape = EntryPointModel.Shape.PLAIN;
    TypeMirror output = returned;
    if (ValidationContext.is(output, ValidationContext.COMPLETION_STAGE)) {
      output = argument(output, method, where, report);
      shape = EntryPointModel.Shape.STAGE;
    }
    if (output != null && ValidationContext.is(output, RuntimeNames.WORKFLOW_RESULT)) {
      output = argument(output, method, where, report);
      shape =
          shape == EntryPointModel.Shape.STAGE
              ? EntryPointModel.Shape.STAGE_OF_RESULT
              : EntryPointModel.Shape.RESULT;
    }
    if (output == null) {
      return Optional.empty();
    }
    Keys keys = new Keys(context);
    BindingKey outputKey = keys.of(output, method, report);
    List<EntryPointModel.Input> inputs = new ArrayList<>();
    int runId = -1;
    Set<BindingKey> seen = new HashSet<>();
    List<? extends VariableElement> parameters = method.getParameters();
    for (int i = 0; i < parameters.size(); i++) {
      VariableElement p = parameters.get(i);
      String name = p.getSimpleName().toString();
      if (AnnotationValues.find(p, StepValidator.ANNOTATIONS + "RunId").isPresent()) {
        if (!ValidationContext.is(p.asType(), "java.lang.String")) {
          report.report(Message.RUN_ID_NOT_STRING, p, name, Descriptions.simple(p.asType()));
        } else if (runId >= 0) {
          report.report(Message.RUN_ID_TWICE, p, where);
        }
        runId = runId >= 0 ? runId : i;
        inputs.add(new EntryPointModel.Input(name, p.asType(), null));
        continue;
      }
      if (ValidationContext.is(p.asType(), RuntimeNames.STEP_CONTEXT)) {
        report.report(Message.ENTRY_POINT_STEP_CONTEXT, p, name);
        continue;
      }
      BindingKey key = keys.of(p.asType(), p, report);
      if (key != null && !seen.add(key)) {
        report.report(Message.DUPLICATE_INPUT, p, where, key);
      }
      inputs.add(new EntryPointModel.Input(name, p.asType(), key));
    }
    if (!report.isClean() || outputKey == null) {
      return Optional.empty();
    }
    // Codecs for the inputs let resumeAll() restart an interrupted run from the store alone.
    List<CodecPlan> inputCodecs = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      if (AnnotationValues.find(p, StepValidator.ANNOTATIONS + "RunId").isPresent()
          || ValidationContext.is(p.asType(), RuntimeNames.STEP_CONTEXT)) {
        continue;
      }
      CheckpointTypes.Encoding encoding = checkpointTypes.encoding(p.asType());
      if (encoding.failure() != null) {
        if (checkpointed) {
          CheckpointTypes.Failure f = encoding.failure();
          report.report(Message.INPUTS_NOT_ENCODABLE, p, where, f.path(), f.reason());
        }
        inputCodecs = null;
        break;
      }
      inputCodecs.add(encoding.plan());
    }
    // And one for the output lets a later call with the run's id return a finished run's result.
    CodecPlan outputCodec = checkpointTypes.encoding(output).plan();
    return Optional.of(
        new EntryPointModel(
            method.getSimpleName().toString(),
            outputKey,
            output,
            shape,
            List.copyOf(inputs),
            runId,
            inputCodecs == null ? null : List.copyOf(inputCodecs),
            outputCodec));
  }

  private static TypeMirror argument(
      TypeMirror type, ExecutableElement method, String where, ValidationReport report) {
    List<? extends TypeMirror> args = ((DeclaredType) type).getTypeArguments();
    if (args.isEmpty()) {
      report.report(Message.ENTRY_POINT_RAW_RESULT, method, where, Descriptions.simple(type));
      return null;
    }
    return args.get(0);
  }
}
