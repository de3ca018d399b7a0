package dev.firebreak.runtime;

import dev.firebreak.runtime.graph.DeclaringMethod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A run that failed for good, kept for a human or a replay.
 *
 * @param step the step that failed the run
 * @param declaredBy the agent method that declares {@code step} (see {@link
 *     dev.firebreak.runtime.graph.StepDescriptor#declaredBy()}), e.g. {@code
 *     com.acme.OcrAgent#extract}; empty when unknown, and for a letter stored before dead letters
 *     kept it
 * @param attempts attempts made on that step
 * @param errorChain the failure and its causes, outermost first, as {@code Type: message}
 * @param inputs the run's inputs as stored (see {@link #inputsJson()}); null if they were not
 *     stored
 */
public record DeadLetter(
    String runId,
    String workflow,
    String entryPoint,
    DeadLetterReason reason,
    String step,
    String declaredBy,
    int attempts,
    List<String> errorChain,
    Instant time,
    byte[] inputs) {

  /** A dead letter that does not name the agent method of its step. */
  public DeadLetter(
      String runId,
      String workflow,
      String entryPoint,
      DeadLetterReason reason,
      String step,
      int attempts,
      List<String> errorChain,
      Instant time,
      byte[] inputs) {
    this(runId, workflow, entryPoint, reason, step, "", attempts, errorChain, time, inputs);
  }

  /** A dead letter without an input snapshot that does not name the agent method of its step. */
  public DeadLetter(
      String runId,
      String workflow,
      String entryPoint,
      DeadLetterReason reason,
      String step,
      int attempts,
      List<String> errorChain,
      Instant time) {
    this(runId, workflow, entryPoint, reason, step, "", attempts, errorChain, time, null);
  }

  /** The inputs the run was started with, as JSON text for a human, if they were stored. */
  public Optional<String> inputsJson() {
    return dev.firebreak.runtime.codec.Codecs.jsonText(inputs);
  }

  public DeadLetter {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(reason, "reason");
    declaredBy = declaredBy == null ? "" : declaredBy;
    errorChain = List.copyOf(errorChain);
    Objects.requireNonNull(time, "time");
  }

  /** {@code failure} and its causes, outermost first, without repeating a cause twice. */
  public static List<String> chainOf(Throwable failure) {
    List<String> chain = new ArrayList<>();
    List<Throwable> seen = new ArrayList<>();
    for (Throwable t = failure; t != null && !seen.contains(t); t = t.getCause()) {
      seen.add(t);
      chain.add(
          t.getMessage() == null
              ? t.getClass().getName()
              : t.getClass().getName() + ": " + t.getMessage());
    }
    return chain;
  }

  private static String causes(int more) {
    return more <= 0 ? "" : more == 1 ? " (1 more cause)" : " (" + more + " more causes)";
  }

  /**
   * What the person on call needs: the run, why it failed, the step and its agent method, the
   * attempts and the first line of the error. The inputs show as their size only: {@link
   * #inputsJson()} gives them.
   */
  @Override
  public String toString() {
    String error = errorChain.isEmpty() ? "" : errorChain.get(0);
    int newline = error.indexOf('\n');
    return "DeadLetter[runId="
        + RunIds.forLog(runId)
        + ", workflow="
        + workflow
        + ", entryPoint="
        + entryPoint
        + ", reason="
        + reason
        + ", step="
        + step
        + DeclaringMethod.inParentheses(declaredBy)
        + ", attempts="
        + attempts
        + ", error="
        + (newline < 0 ? error : error.substring(0, newline) + " …")
        + causes(errorChain.size() - 1)
        + ", time="
        + time
        + ", inputs="
        + (inputs == null ? "not stored" : inputs.length + " B")
        + "]";
  }
}
