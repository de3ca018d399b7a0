package dev.firebreak.runtime.graph;

import dev.firebreak.runtime.CheckpointCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one entry point of a workflow runs: its inputs, exactly the steps its output needs (in a
 * topological order: every step comes after the steps it depends on), and where the output is.
 *
 * <p>A run keeps its values in numbered slots. Generated code states the layout, the same for every
 * entry point of a workflow ({@link #builder}): each input and each step names its slot. A plan
 * built with the canonical constructor and {@code inputSlots == null} lays slots out by position:
 * input {@code k} in slot {@code k}, then step {@code i} in slot {@code inputs.size() + i}.
 *
 * @param workflow the workflow interface's qualified name
 * @param name the entry point's method name
 * @param inputs the graph inputs' binding keys, in parameter order
 * @param steps the steps, in topological order
 * @param outputSlot the slot holding the entry point's output
 * @param deadline the run's deadline, or {@code null} for none
 * @param graphHash a stable hash of this plan's shape; a run is resumed only under the same hash
 * @param inputCodecs a codec per input, so that a durable store keeps them; empty if not stored
 * @param outputCodec a codec for the output, so that a finished run's result can be returned again
 * @param inputSlots the slot of each input, or {@code null} for the positional layout
 * @param slotCount the number of slots of a run (in the positional layout, inputs plus steps)
 */
public record EntryPointPlan(
    String workflow,
    String name,
    List<String> inputs,
    List<StepDescriptor> steps,
    int outputSlot,
    Duration deadline,
    String graphHash,
    List<CheckpointCodec<?>> inputCodecs,
    CheckpointCodec<?> outputCodec,
    int[] inputSlots,
    int slotCount) {

  /** A plan in the positional layout. */
  public EntryPointPlan(
      String workflow,
      String name,
      List<String> inputs,
      List<StepDescriptor> steps,
      int outputSlot,
      Duration deadline,
      String graphHash,
      List<CheckpointCodec<?>> inputCodecs,
      CheckpointCodec<?> outputCodec) {
    this(
        workflow,
        name,
        inputs,
        steps,
        outputSlot,
        deadline,
        graphHash,
        inputCodecs,
        outputCodec,
        null,
        inputs.size() + steps.size());
  }

  /** A plan whose inputs cannot be stored: its runs resume only when called again with their id. */
  public EntryPointPlan(
      String workflow,
      String name,
      List<String> inputs,
      List<StepDescriptor> steps,
      int outputSlot,
      Duration deadline,
      String graphHash) {
    this(workflow, name, inputs, steps, outputSlot, deadline, graphHash, List.of(), null);
  }

  public EntryPointPlan {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(name, "name");
    inputs = List.copyOf(inputs);
    Objects.requireNonNull(graphHash, "graphHash");
    inputCodecs = List.copyOf(inputCodecs);
    if (!inputCodecs.isEmpty() && inputCodecs.size() != inputs.size()) {
      throw new IllegalArgumentException(
          inputs.size() + " inputs but " + inputCodecs.size() + " input codecs");
    }
    boolean stated = inputSlots != null;
    if (stated) {
      inputSlots = inputSlots.clone();
      if (inputSlots.length != inputs.size()) {
        throw new IllegalArgumentException(
            inputs.size() + " inputs but " + inputSlots.length + " input slots");
      }
    } else if (slotCount != inputs.size() + steps.size()) {
      throw new IllegalArgumentException(
          "the positional layout has " + (inputs.size() + steps.size()) + " slots: " + slotCount);
    }
    steps = resolveAfter(name, steps);
    // Which slots hold a value by the time step i starts: the inputs, then each earlier output.
    boolean[] written = new boolean[Math.max(slotCount, 0)];
    for (int k = 0; k < inputs.size(); k++) {
      write(written, stated ? inputSlots[k] : k, "input " + k + " of " + name);
    }
    for (int i = 0; i < steps.size(); i++) {
      StepDescriptor step = steps.get(i);
      if (stated != (step.outputSlot() >= 0)) {
        throw new IllegalArgumentException(
            "step "
                + step.name()
                + (stated
                    ? " names no output slot, though the plan states its layout"
                    : " names an output slot, though the plan's layout is positional"));
      }
      for (int slot : step.inputSlots()) {
        if (slot < 0 || slot >= written.length || !written[slot]) {
          throw new IllegalArgumentException(
              "step "
                  + step.name()
                  + " reads slot "
                  + slot
                  + ": no input or earlier step writes it");
        }
      }
      for (int after : step.afterSteps()) {
        if (after < 0 || after >= i) {
          throw new IllegalArgumentException(
              "step " + step.name() + " waits for step " + after + ": not an earlier step");
        }
      }
      write(written, stated ? step.outputSlot() : inputs.size() + i, "step " + step.name());
    }
    if (outputSlot < 0 || outputSlot >= written.length || !written[outputSlot]) {
      throw new IllegalArgumentException(
          "outputSlot " + outputSlot + " of " + name + " is written by no input or step");
    }
  }

  private static void write(boolean[] written, int slot, String writer) {
    if (slot < 0 || slot >= written.length) {
      throw new IllegalArgumentException(
          writer + " writes slot " + slot + ", outside 0.." + (written.length - 1));
    }
    if (written[slot]) {
      throw new IllegalArgumentException(writer + " writes slot " + slot + ", already written");
    }
    written[slot] = true;
  }

  /**
   * The steps, with the names given to {@link StepDescriptor.Builder#after(String...)} resolved.
   */
  private static List<StepDescriptor> resolveAfter(String plan, List<StepDescriptor> steps) {
    Map<String, Integer> index = new HashMap<>();
    List<StepDescriptor> resolved = new ArrayList<>(steps.size());
    for (int i = 0; i < steps.size(); i++) {
      StepDescriptor step = steps.get(i);
      String[] names = step.afterNames();
      if (names.length > 0) {
        int[] after = Arrays.copyOf(step.afterSteps(), step.afterSteps().length + names.length);
        for (int n = 0; n < names.length; n++) {
          Integer target = index.get(names[n]);
          if (target == null) {
            throw new IllegalArgumentException(
                "step "
                    + step.name()
                    + " waits for '"
                    + names[n]
                    + "', which is not an earlier step of "
                    + plan);
          }
          after[step.afterSteps().length + n] = target;
        }
        step = step.withAfterSteps(after);
      }
      index.put(step.name(), i);
      resolved.add(step);
    }
    return List.copyOf(resolved);
  }

  /** Starts a plan whose slot layout is stated: every input and step names its slot. */
  public static Builder builder(String workflow, String name) {
    return new Builder(workflow, name);
  }

  /**
   * Whether this plan's inputs can be stored, so that {@code resume(runId)} needs only the store.
   */
  public boolean storesInputs() {
    return !inputCodecs.isEmpty() || inputs.isEmpty();
  }

  /** The slot holding input {@code k}. */
  public int inputSlot(int k) {
    return inputSlots == null ? k : inputSlots[k];
  }

  /** The slot written by step {@code stepIndex}. */
  public int slotOf(int stepIndex) {
    int stated = steps.get(stepIndex).outputSlot();
    return stated >= 0 ? stated : inputs.size() + stepIndex;
  }

  /** The input slots (a copy), or {@code null} in the positional layout. */
  @Override
  public int[] inputSlots() {
    return inputSlots == null ? null : inputSlots.clone();
  }

  /**
   * Builds an {@link EntryPointPlan} with a stated slot layout, by name rather than by position:
   * generated code uses it.
   */
  public static final class Builder {
    private final String workflow;
    private final String name;
    private final List<String> inputs = new ArrayList<>();
    private final List<Integer> inputSlots = new ArrayList<>();
    private final List<CheckpointCodec<?>> inputCodecs = new ArrayList<>();
    private final List<StepDescriptor> steps = new ArrayList<>();
    private int outputSlot = -1;
    private CheckpointCodec<?> outputCodec;
    private int slotCount;
    private Duration deadline;
    private String graphHash;

    private Builder(String workflow, String name) {
      this.workflow = Objects.requireNonNull(workflow, "workflow");
      this.name = Objects.requireNonNull(name, "name");
    }

    /** The next input: its binding key and slot; its value is not stored. */
    public Builder input(String key, int slot) {
      inputs.add(Objects.requireNonNull(key, "key"));
      inputSlots.add(slot);
      return this;
    }

    /** The next input, stored with {@code codec} so that its run can be resumed from the store. */
    public Builder input(String key, int slot, CheckpointCodec<?> codec) {
      input(key, slot);
      inputCodecs.add(Objects.requireNonNull(codec, "codec"));
      return this;
    }

    /** The steps, in a topological order; each names its output slot. */
    public Builder steps(StepDescriptor... steps) {
      this.steps.addAll(Arrays.asList(steps));
      return this;
    }

    /** The slot holding the output. */
    public Builder output(int slot) {
      this.outputSlot = slot;
      return this;
    }

    /** The slot holding the output, which {@code codec} stores with the run's end. */
    public Builder output(int slot, CheckpointCodec<?> codec) {
      this.outputCodec = Objects.requireNonNull(codec, "codec");
      return output(slot);
    }

    /** The number of slots of a run. */
    public Builder slots(int count) {
      this.slotCount = count;
      return this;
    }

    /** The run's deadline; none if not set. */
    public Builder deadline(Duration deadline) {
      this.deadline = deadline;
      return this;
    }

    public Builder graphHash(String graphHash) {
      this.graphHash = graphHash;
      return this;
    }

    /**
     * The plan; its inputs are stored only if every input was given a codec.
     *
     * @throws IllegalArgumentException if the layout is inconsistent: a slot written twice, read
     *     before it is written, or outside the run's slots
     */
    public EntryPointPlan build() {
      boolean allCodecs = inputCodecs.size() == inputs.size();
      return new EntryPointPlan(
          workflow,
          name,
          inputs,
          steps,
          outputSlot,
          deadline,
          graphHash,
          allCodecs ? inputCodecs : List.of(),
          outputCodec,
          inputSlots.stream().mapToInt(Integer::intValue).toArray(),
          slotCount);
    }
  }
}
