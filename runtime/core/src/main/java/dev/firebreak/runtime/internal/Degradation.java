package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DegradedStep;
import dev.firebreak.runtime.InvalidInputException;
import dev.firebreak.runtime.NullOutputException;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.util.concurrent.CompletionStage;

/**
 * Degradation, the policy just inside the checkpoint lookup: what a step that failed for good (its
 * retries spent) yields. Its fallback, if it has one, produces the output another way; without one,
 * or when the fallback fails too, a critical step fails the run and a non-critical one yields its
 * neutral default. Either way the run records the step as degraded and why. Bad input fails the
 * run: no fallback or default can make wrong data right. The fallback of a remote agent's step is a
 * call to its worker ({@link RemoteCalls#fallback}), awaited holding no thread.
 */
final class Degradation {
  private Degradation() {}

  /** {@code sr} failed for good with {@code error}. */
  static int failedForGood(Run run, StepRun sr, Throwable error) {
    sr.failure = error;
    if (error instanceof InvalidInputException) {
      return run.failRun(sr, error);
    }
    StepBinding binding = run.plan.bindings[sr.index];
    if (binding.fallbackCall() == null) {
      return withoutFallback(run, sr, error);
    }
    RemoteCalls.FallBack remote = run.plan.remoteFallBack[sr.index];
    Object value;
    try {
      value =
          remote != null
              ? remote.fallBack(run.slots, error, sr)
              : binding.fallbackCall().call(run.slots, error);
    } catch (Throwable t) {
      error.addSuppressed(t);
      return withoutFallback(run, sr, error);
    }
    if (remote == null && !binding.isAsyncFallback()) {
      return fallenBackTo(run, sr, error, value);
    }
    CompletionStage<?> stage = (CompletionStage<?>) value;
    if (stage == null) {
      error.addSuppressed(new NullPointerException("fallback returned a null CompletionStage"));
      return withoutFallback(run, sr, error);
    }
    stage.whenComplete(
        (v, e) ->
            run.execute(
                () -> {
                  if (e != null) {
                    error.addSuppressed(Attempt.unwrap(e));
                    run.drive(withoutFallback(run, sr, error));
                  } else {
                    run.drive(fallenBackTo(run, sr, error, v));
                  }
                }));
    return Run.NONE;
  }

  /** The fallback produced {@code value}: the output, unless it is a null the step refuses. */
  private static int fallenBackTo(Run run, StepRun sr, Throwable error, Object value) {
    try {
      Object output =
          NullOutputs.checked(run.plan, sr.index, value, "has a fallback that returned");
      return degradedTo(run, sr, error, output, true);
    } catch (NullOutputException e) {
      error.addSuppressed(e);
      return withoutFallback(run, sr, error);
    }
  }

  private static int withoutFallback(Run run, StepRun sr, Throwable error) {
    StepDescriptor step = run.plan.steps[sr.index];
    if (step.isCritical()) {
      return run.failRun(sr, error);
    }
    return degradedTo(run, sr, error, step.neutralDefault(), false);
  }

  /**
   * The agent made the step's output another way ({@link StepRun#degraded}, such as a backup
   * model): recorded as a fallback's output, named by how it was made.
   */
  static void byTheAgent(Run run, StepRun sr) {
    String step = run.plan.steps[sr.index].name();
    Throwable cause = sr.degradedCause;
    String how = sr.degradedHow;
    run.degraded.add(new DegradedStep(step, cause, true, null));
    run.timeline.degraded(step, run.engine.scheduler.nanoTime(), cause, how);
    run.engine.events.degraded(run.runId, run.plan, sr.index, cause, true, how);
  }

  private static int degradedTo(
      Run run, StepRun sr, Throwable cause, Object value, boolean fallbackUsed) {
    StepDescriptor descriptor = run.plan.steps[sr.index];
    String step = descriptor.name();
    run.degraded.add(new DegradedStep(step, cause, fallbackUsed, fallbackUsed ? null : value));
    String how =
        fallbackUsed ? "fallback" : descriptor.hasStatedDefault() ? "default " + value : "default";
    run.timeline.degraded(step, run.engine.scheduler.nanoTime(), cause, how);
    run.engine.events.degraded(run.runId, run.plan, sr.index, cause, fallbackUsed, how);
    return run.succeeded(sr, value, fallbackUsed ? Run.Origin.FALLBACK : Run.Origin.NEUTRAL);
  }
}
