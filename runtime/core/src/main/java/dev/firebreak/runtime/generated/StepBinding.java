package dev.firebreak.runtime.generated;

import dev.firebreak.runtime.StepContext;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * How the runtime calls one step's agent methods: the step itself, and optionally its fallback and
 * its compensation. Generated code builds one per step, as lambdas over the run's value slots, so
 * nothing is looked up reflectively at run time.
 */
public final class StepBinding {

  /** Calls a synchronous step. */
  @FunctionalInterface
  public interface SyncCall {
    Object call(Object[] slots, StepContext context) throws Exception;
  }

  /** Calls an asynchronous step. */
  @FunctionalInterface
  public interface AsyncCall {
    CompletionStage<?> call(Object[] slots, StepContext context) throws Exception;
  }

  /** Calls a fallback with the step's final failure; returns the output, or a stage of it. */
  @FunctionalInterface
  public interface FallbackCall {
    Object call(Object[] slots, Throwable failure) throws Exception;
  }

  /** Calls a compensation with the step's output. */
  @FunctionalInterface
  public interface CompensationCall {
    void call(Object output, Object[] slots, StepContext context) throws Exception;
  }

  private final SyncCall sync;
  private final AsyncCall async;
  private final FallbackCall fallback;
  private final boolean asyncFallback;
  private final CompensationCall compensation;

  private StepBinding(
      SyncCall sync,
      AsyncCall async,
      FallbackCall fallback,
      boolean asyncFallback,
      CompensationCall compensation) {
    this.sync = sync;
    this.async = async;
    this.fallback = fallback;
    this.asyncFallback = asyncFallback;
    this.compensation = compensation;
  }

  public static StepBinding sync(SyncCall call) {
    return new StepBinding(Objects.requireNonNull(call), null, null, false, null);
  }

  public static StepBinding async(AsyncCall call) {
    return new StepBinding(null, Objects.requireNonNull(call), null, false, null);
  }

  /** Adds a fallback that returns the step's output type. */
  public StepBinding fallback(FallbackCall call) {
    return new StepBinding(sync, async, Objects.requireNonNull(call), false, compensation);
  }

  /** Adds a fallback that returns a {@code CompletionStage} of the step's output type. */
  public StepBinding asyncFallback(FallbackCall call) {
    return new StepBinding(sync, async, Objects.requireNonNull(call), true, compensation);
  }

  public StepBinding compensation(CompensationCall call) {
    return new StepBinding(sync, async, fallback, asyncFallback, Objects.requireNonNull(call));
  }

  /** The synchronous call, or {@code null} for an asynchronous step. */
  public SyncCall syncCall() {
    return sync;
  }

  /** The asynchronous call, or {@code null} for a synchronous step. */
  public AsyncCall asyncCall() {
    return async;
  }

  /** The fallback, or {@code null}. */
  public FallbackCall fallbackCall() {
    return fallback;
  }

  /** Whether {@link #fallbackCall()} returns a {@code CompletionStage}. */
  public boolean isAsyncFallback() {
    return asyncFallback;
  }

  /** The compensation, or {@code null}. */
  public CompensationCall compensationCall() {
    return compensation;
  }
}
