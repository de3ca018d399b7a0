package dev.firebreak.runtime.graph;

import dev.firebreak.runtime.CheckpointCodec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one entry point of a workflow runs: its inputs, exactly the steps its output needs (in a
 * topological order: every step comes after the steps it depends on), and where the output is.
 *
 * @param workflow the workflow interface's qualified name
 * @param name the entry point's method name
 * @param inputs the graph inputs, i.e. the binding keys of slots {@code 0 .. inputs.size()-1}
 * @param steps the steps, in topological order; step {@code i} writes slot {@code inputs.size() +
 *     i}
 * @param outputSlot the slot holding the entry point's output
 * @param deadline the run's deadline, or {@code null} for none
 * @param graphHash a stable hash of this plan's shape and policies; a run is resumed only under the
 *     same hash
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
    CheckpointCodec<?> outputCodec) {

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
    steps = List.copyOf(steps);
    Objects.requireNonNull(graphHash, "graphHash");
    inputCodecs = List.copyOf(inputCodecs);
    if (!inputCodecs.isEmpty() && inputCodecs.size() != inputs.size()) {
      throw new IllegalArgumentException(
          inputs.size() + " inputs but " + inputCodecs.size() + " input codecs");
    }
    int slots = inputs.size() + steps.size();
    if (outputSlot < 0 || outputSlot >= slots) {
      throw new IllegalArgumentException("outputSlot " + outputSlot + " outside 0.." + (slots - 1));
    }
    for (int i = 0; i < steps.size(); i++) {
      int ownSlot = inputs.size() + i;
      for (int slot : steps.get(i).inputSlots()) {
        if (slot < 0 || slot >= ownSlot) {
          throw new IllegalArgumentException(
              "step " + steps.get(i).name() + " reads slot " + slot + ": not an earlier slot");
        }
      }
      for (int after : steps.get(i).afterSteps()) {
        if (after < 0 || after >= i) {
          throw new IllegalArgumentException(
              "step " + steps.get(i).name() + " waits for step " + after + ": not an earlier step");
        }
      }
    }
  }

  /** Number of value slots of a run: inputs, then one per step. */
  /**
   * Whether this plan's inputs can be stored, so that {@code resume(runId)} needs only the store.
   */
  public boolean storesInputs() {
    return !inputCodecs.isEmpty() || inputs.isEmpty();
  }

  public int slotCount() {
    return inputs.size() + steps.size();
  }

  /** The slot written by step {@code stepIndex}. */
  public int slotOf(int stepIndex) {
    return inputs.size() + stepIndex;
  }
}
