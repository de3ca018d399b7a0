package dev.firebreak.runtime;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Builds an entry point by hand, the way generated code does: slot 0.. are the inputs, then one
 * slot per step in order.
 */
public final class Flow {
  private final String name;
  private final int inputs;
  private final List<StepDescriptor> steps = new ArrayList<>();
  private final List<StepBinding> bindings = new ArrayList<>();
  private String workflow = "test.Flow";
  private Duration deadline;
  private List<dev.firebreak.runtime.CheckpointCodec<?>> inputCodecs = List.of();
  private dev.firebreak.runtime.CheckpointCodec<?> outputCodec;
  private Integer output;

  private Flow(String name, int inputs) {
    this.name = name;
    this.inputs = inputs;
  }

  /** {@code attempts} attempts (the first included), {@code delay} apart, on any exception. */
  public static dev.firebreak.runtime.graph.RetryPolicy fixedRetry(
      int attempts, java.time.Duration delay) {
    return new dev.firebreak.runtime.graph.RetryPolicy(
        attempts,
        delay,
        1.0,
        delay,
        0,
        java.util.List.of(Exception.class),
        java.util.List.of(),
        null);
  }

  public static Flow of(String name, int inputs) {
    return new Flow(name, inputs);
  }

  /** A step with a 1-minute timeout. */
  public Flow step(StepDescriptor.Builder step, StepBinding binding) {
    return step(step, Duration.ofMinutes(1), binding);
  }

  public Flow step(StepDescriptor.Builder step, Duration timeout, StepBinding binding) {
    if (binding.asyncCall() != null) {
      step.async();
    }
    if (binding.fallbackCall() != null) {
      step.fallback();
    }
    if (binding.compensationCall() != null) {
      step.compensated();
    }
    steps.add(step.timeout(timeout).build());
    bindings.add(binding);
    return this;
  }

  /** The workflow the entry point belongs to; {@code test.Flow} by default. */
  public Flow workflow(String workflow) {
    this.workflow = workflow;
    return this;
  }

  public Flow deadline(Duration deadline) {
    this.deadline = deadline;
    return this;
  }

  /** Codecs for the inputs, so that a durable store keeps them for {@code resume}. */
  public Flow inputCodecs(dev.firebreak.runtime.CheckpointCodec<?>... codecs) {
    this.inputCodecs = List.of(codecs);
    return this;
  }

  /** A codec for the output, so that a finished run's result can be returned again. */
  public Flow outputCodec(dev.firebreak.runtime.CheckpointCodec<?> codec) {
    this.outputCodec = codec;
    return this;
  }

  public Flow output(int slot) {
    this.output = slot;
    return this;
  }

  public int slotOf(String step) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i).name().equals(step)) {
        return inputs + i;
      }
    }
    throw new IllegalArgumentException(step);
  }

  public EntryPointPlan plan() {
    List<String> in = new ArrayList<>();
    for (int i = 0; i < inputs; i++) {
      in.add("java.lang.Object");
    }
    int out = output != null ? output : inputs + steps.size() - 1;
    return new EntryPointPlan(
        workflow, name, in, steps, out, deadline, "hash-" + name, inputCodecs, outputCodec);
  }

  public BoundEntryPoint bind(FirebreakRuntime runtime) {
    return runtime.bind(plan(), bindings);
  }

  /** A sync binding that ignores its context. */
  public static StepBinding sync(StepBinding.SyncCall call) {
    return StepBinding.sync(call);
  }

  public static StepBinding async(StepBinding.AsyncCall call) {
    return StepBinding.async(call);
  }

  @SuppressWarnings("unchecked")
  public static <T> CompletionStage<WorkflowResult<T>> cast(CompletionStage<?> stage) {
    return (CompletionStage<WorkflowResult<T>>) stage;
  }
}
