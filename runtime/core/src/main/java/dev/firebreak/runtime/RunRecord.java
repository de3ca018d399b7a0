package dev.firebreak.runtime;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A run as a {@link CheckpointStore} keeps it.
 *
 * @param outputs encoded outputs of the checkpointed steps that succeeded, by step name, in
 *     completion order
 * @param attempts attempts made so far, by step name
 * @param inputs the entry point's inputs, encoded; null if they could not be stored
 * @param output the output of a run that ended successfully, encoded; null if it could not be
 *     stored
 */
public record RunRecord(
    String runId,
    String workflow,
    String entryPoint,
    String graphHash,
    WorkflowStatus status,
    Map<String, byte[]> outputs,
    Map<String, Integer> attempts,
    byte[] inputs,
    byte[] output) {
  public RunRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(entryPoint, "entryPoint");
    Objects.requireNonNull(graphHash, "graphHash");
    Objects.requireNonNull(status, "status");
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    attempts = Collections.unmodifiableMap(new LinkedHashMap<>(attempts));
  }

  /**
   * What a person reading a log needs: the run, where it stands, which checkpoints it holds and how
   * many attempts each step took. Stored bytes show as their size only: decode them with the
   * workflow's codecs.
   */
  @Override
  public String toString() {
    StringBuilder checkpoints = new StringBuilder("[");
    outputs.forEach(
        (step, bytes) ->
            checkpoints
                .append(checkpoints.length() > 1 ? ", " : "")
                .append(step)
                .append(" (")
                .append(bytes == null ? 0 : bytes.length)
                .append(" B)"));
    return "RunRecord[runId="
        + RunIds.forLog(runId)
        + ", workflow="
        + workflow
        + ", entryPoint="
        + entryPoint
        + ", status="
        + status
        + ", checkpoints="
        + checkpoints.append(']')
        + ", attempts="
        + attempts
        + ", inputs="
        + size(inputs)
        + ", output="
        + size(output)
        + "]";
  }

  private static String size(byte[] bytes) {
    return bytes == null ? "not stored" : bytes.length + " B";
  }
}
