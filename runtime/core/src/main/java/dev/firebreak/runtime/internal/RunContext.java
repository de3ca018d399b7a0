package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.StepContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What every {@link StepContext} of a run shows alike: the run, its workflow, its deadline. */
abstract class RunContext implements StepContext {
  final Run run;

  RunContext(Run run) {
    this.run = run;
  }

  @Override
  public String runId() {
    return run.runId;
  }

  @Override
  public String workflow() {
    return run.plan.workflow();
  }

  @Override
  public Optional<Instant> deadline() {
    return Optional.ofNullable(run.deadline);
  }

  @Override
  public Optional<Duration> remaining() {
    return run.remaining();
  }
}
