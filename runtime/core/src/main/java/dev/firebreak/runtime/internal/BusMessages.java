package dev.firebreak.runtime.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.WorkflowResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
  private static final JsonFactory JSON = new JsonFactory();

  private BusMessages() {}

  static byte[] result(WorkflowResult<Object> result, String entryPoint, byte[] outputJson) {
    return write(
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
          strings(
              out,
              "error",
              result.failure() == null ? List.of() : DeadLetter.chainOf(result.failure()));
        });
  }

  static byte[] deadLetter(DeadLetter letter) {
    return write(
        out -> {
          out.writeStringField("runId", letter.runId());
          out.writeStringField("workflow", letter.workflow());
          out.writeStringField("entryPoint", letter.entryPoint());
          out.writeStringField("reason", letter.reason().name());
          out.writeStringField("step", letter.step());
          out.writeNumberField("attempts", letter.attempts());
          strings(out, "errorChain", letter.errorChain());
          out.writeStringField("time", letter.time().toString());
        });
  }

  private interface Fields {
    void write(JsonGenerator out) throws IOException;
  }

  private static byte[] write(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      out.writeStartObject();
      fields.write(out);
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void strings(JsonGenerator out, String name, List<String> values)
      throws IOException {
    out.writeArrayFieldStart(name);
    for (String v : values) {
      out.writeString(v);
    }
    out.writeEndArray();
  }
}
