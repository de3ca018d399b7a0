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
}
