package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.CodecPlan;
import dev.firebreak.processor.model.StepModel;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/**
 * Checks the steps of a {@code @Remotable} agent: what crosses the bus must be encodable, with the
 * codecs checkpoints use ({@link CheckpointTypes}).
 */
final class RemotableValidator {
  private final CheckpointTypes checkpointTypes;

  RemotableValidator(CheckpointTypes checkpointTypes) {
    this.checkpointTypes = checkpointTypes;
  }

  /**
   * The codecs of a remotable agent's step: every non-context parameter and the output must be
   * encodable (its fallback and compensation, called over the bus too, take only those, the failure
   * and the context). Null if anything is wrong, reported on the parameter or the method.
   */
  StepModel.Remote remote(
      ExecutableElement method, TypeElement agent, TypeMirror produced, ValidationReport report) {
    String where = describe(method);
    boolean ok = true;
    List<CodecPlan> inputs = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      if (ValidationContext.is(p.asType(), RuntimeNames.STEP_CONTEXT)) {
        continue;
      }
      CheckpointTypes.Encoding encoding = checkpointTypes.encoding(p.asType());
      if (encoding.failure() != null) {
        report.report(
            Message.REMOTE_NOT_ENCODABLE,
            p,
            where,
            agent.getQualifiedName(),
            "parameter '" + p.getSimpleName() + "'",
            p.asType(),
            encoding.failure().path(),
            encoding.failure().reason());
        ok = false;
      } else {
        inputs.add(encoding.plan());
      }
    }
    CheckpointTypes.Encoding output = checkpointTypes.encoding(produced);
    if (output.failure() != null) {
      report.report(
          Message.REMOTE_NOT_ENCODABLE,
          method,
          where,
          agent.getQualifiedName(),
          "output",
          produced,
          output.failure().path(),
          output.failure().reason());
      ok = false;
    }
    return ok ? new StepModel.Remote(List.copyOf(inputs), output.plan()) : null;
  }
}
