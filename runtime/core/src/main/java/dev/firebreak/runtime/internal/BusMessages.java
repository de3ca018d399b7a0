package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.WorkflowResult;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the intake publishes, as JSON:
 *
 * <ul>
 *   <li>a result: {@code {"runId", "workflow", "entryPoint", "status", "output", "failedStep",
 *       "error"}}, {@code output} in the output codec's JSON (null when the run has none), {@code
 *       error} the failure's chain of messages (empty on success);
 *   <li>a dead letter: {@code {"runId", "workflow", "entryPoint", "reason", "step", "attempts",
 *       "errorChain", "time"}}.
 * </ul>
 */
final class BusMessages {

  private BusMessages() {}

  static byte[] result(WorkflowResult<Object> result, String entryPoint, byte[] outputJson) {
    return JsonObjects.write(
        out -> {
          out.writeStringField("runId", result.runId());
          out.writeStringField("workflow", result.workflow());
          out.writeStringField("entryPoint", entryPoint);
          out.writeStringField("status", result.status().name());
          out.writeFieldName("output");
          if (outputJson == null) {
            out.writeNull();
          } else {
            out.writeRawValue(new String(outputJson, StandardCharsets.UTF_8));
          }
          out.writeStringField("failedStep", result.failedStep());
          JsonObjects.strings(
              out,
              "error",
              result.failure() == null ? List.of() : DeadLetter.chainOf(result.failure()));
        });
  }

  static byte[] deadLetter(DeadLetter letter) {
    return JsonObjects.write(
        out -> {
          out.writeStringField("runId", letter.runId());
          out.writeStringField("workflow", letter.workflow());
          out.writeStringField("entryPoint", letter.entryPoint());
          out.writeStringField("reason", letter.reason().name());
          out.writeStringField("step", letter.step());
          out.writeNumberField("attempts", letter.attempts());
          JsonObjects.strings(out, "errorChain", letter.errorChain());
          out.writeStringField("time", letter.time().toString());
        });
  }
}
