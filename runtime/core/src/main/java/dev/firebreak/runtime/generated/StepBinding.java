package dev.firebreak.runtime.generated;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.StepContext;
import java.util.List;
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
  private final Remotable remotable;

  /**
   * What a step of a remotable agent sends over the bus when its agent runs as a worker.
   *
   * @param agent the agent's qualified class name
   * @param inputCodecs the codecs of the step method's parameters ({@code StepContext} left out),
   *     in order; they read the step's input slots
   * @param outputCodec the codec of its output
   */
  public record Remotable(
      String agent, List<CheckpointCodec<?>> inputCodecs, CheckpointCodec<?> outputCodec) {
    public Remotable {
      Objects.requireNonNull(agent, "agent");
      inputCodecs = List.copyOf(inputCodecs);
      Objects.requireNonNull(outputCodec, "outputCodec");
    }
  }

  private StepBinding(
      SyncCall sync,
      AsyncCall async,
      FallbackCall fallback,
      boolean asyncFallback,
      CompensationCall compensation,
      Remotable remotable) {
    this.sync = sync;
    this.async = async;
    this.fallback = fallback;
    this.asyncFallback = asyncFallback;
    this.compensation = compensation;
    this.remotable = remotable;
  }

  public static StepBinding sync(SyncCall call) {
    return new StepBinding(Objects.requireNonNull(call), null, null, false, null, null);
  }

  public static StepBinding async(AsyncCall call) {
    return new StepBinding(null, Objects.requireNonNull(call), null, false, null, null);
  }

  /** Adds a fallback that returns the step's output type. */
  public StepBinding fallback(FallbackCall call) {
    return new StepBinding(
        sync, async, Objects.requireNonNull(call), false, compensation, remotable);
  }

  /** Adds a fallback that returns a {@code CompletionStage} of the step's output type. */
  public StepBinding asyncFallback(FallbackCall call) {
    return new StepBinding(
        sync, async, Objects.requireNonNull(call), true, compensation, remotable);
  }

  public StepBinding compensation(CompensationCall call) {
    return new StepBinding(
        sync, async, fallback, asyncFallback, Objects.requireNonNull(call), remotable);
  }

  /**
   * Marks the step's agent remotable: a runtime configured to reach {@code remotable.agent()} over
   * the bus calls the step there, with these codecs; otherwise the call here runs in process.
   */
  public StepBinding remotable(Remotable remotable) {
    return new StepBinding(
        sync, async, fallback, asyncFallback, compensation, Objects.requireNonNull(remotable));
  }

  /** The same binding with {@code call} (over the bus) in place of the in-process call. */
  public StepBinding overBus(AsyncCall call) {
    return new StepBinding(
        null, Objects.requireNonNull(call), fallback, asyncFallback, compensation, remotable);
  }

  /** What crosses the bus if the step's agent runs remote, or {@code null} if it cannot. */
  public Remotable remotable() {
    return remotable;
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
