package dev.firebreak.runtime;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One run as a list shows it.
 *
 * @param createdAt when it was opened, by the store's clock
 * @param endedAt when it ended; null while it runs or is parked
 * @param owner the node running it; null once it ended, or while no node holds it
 * @param retrying how many of its steps are being retried now (as of its last write); 0 once it
 *     ended
 * @param parkedOn the circuit breaker it is parked on; null if it is not parked
 * @param inputs its stored inputs, only when asked for ({@link RunQuery#withData()}); see {@link
 *     #inputsJson()}
 * @param output its stored output, only when asked for and if it completed
 */
public record RunSummary(
    String runId,
    String workflow,
    String entryPoint,
    WorkflowStatus status,
    Instant createdAt,
    Instant endedAt,
    String owner,
    int retrying,
    String parkedOn,
    byte[] inputs,
    byte[] output) {
  public RunSummary {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(entryPoint, "entryPoint");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The inputs the run was started with, as JSON text, if they were asked for and stored. */
  public Optional<String> inputsJson() {
    return json(inputs);
  }

  /** The run's output as JSON text, if it was asked for and stored. */
  public Optional<String> outputJson() {
    return json(output);
  }

  private static Optional<String> json(byte[] stored) {
    return dev.firebreak.runtime.codec.Codecs.jsonText(stored);
  }

  @Override
  public String toString() {
    return "RunSummary[runId="
        + RunIds.forLog(runId)
        + ", workflow="
        + workflow
        + ", entryPoint="
        + entryPoint
        + ", status="
        + status
        + ", createdAt="
        + createdAt
        + (endedAt != null ? ", endedAt=" + endedAt : "")
        + (owner != null ? ", owner=" + owner : "")
        + (retrying > 0 ? ", retrying=" + retrying : "")
        + (parkedOn != null ? ", parkedOn=" + parkedOn : "")
        + inputsJson().map(j -> ", inputs=" + j).orElse("")
        + outputJson().map(j -> ", output=" + j).orElse("")
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunSummary r
        && runId.equals(r.runId)
        && workflow.equals(r.workflow)
        && entryPoint.equals(r.entryPoint)
        && status == r.status
        && createdAt.equals(r.createdAt)
        && Objects.equals(endedAt, r.endedAt)
        && Objects.equals(owner, r.owner)
        && retrying == r.retrying
        && Objects.equals(parkedOn, r.parkedOn)
        && java.util.Arrays.equals(inputs, r.inputs)
        && java.util.Arrays.equals(output, r.output);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runId, status, createdAt);
  }
}
