package dev.firebreak.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the runtime tells a step about the call it is in. Declare a parameter of this type on a
 * step, fallback or compensation to receive it; it is not a graph dependency.
 */
public interface StepContext {

  /** The run's id: the caller's {@code @RunId}, or a generated one. */
  String runId();

  /** The workflow interface's qualified name. */
  String workflow();

  /** The step's name. */
  String stepName();

  /** The attempt number, starting at 1. */
  int attempt();

  /**
   * A key that is the same for every attempt of this step in this run, also after a resume: {@code
   * runId + ":" + stepName}. Pass it to external services to make their side effects idempotent.
   */
  default String idempotencyKey() {
    return runId() + ":" + stepName();
  }

  /** The run's deadline, if the workflow declares one. */
  Optional<Instant> deadline();

  /** Time left until the deadline, if there is one (never negative). */
  Optional<Duration> remaining();

  /**
   * Says that this attempt's output is a degraded one, made another way than the step's own (a
   * backup model answered after the primary failed with {@code cause}): once the attempt succeeds,
   * the run ends {@code COMPLETED_DEGRADED}, naming the step and {@code how} in its result and its
   * timeline. A later attempt starts undegraded.
   *
   * @throws UnsupportedOperationException where there is no attempt to mark (a remote worker's
   *     call, a compensation)
   */
  default void degraded(String how, Throwable cause) {
    throw new UnsupportedOperationException(
        "step " + stepName() + ": this context cannot mark the step degraded");
  }
}
