package dev.firebreak.processor.model;

import java.time.Duration;
import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * A validated workflow with its resolved plans, the only thing writers see.
 *
 * @param workflow the workflow interface
 * @param generatedPackage the orchestrator's package (the workflow's)
 * @param generatedName the orchestrator's simple name, {@code Firebreak<Outer>_<Workflow>}
 * @param agents the agent types (erased), in {@code @Workflow(agents)} order
 * @param agentFields the orchestrator's field/parameter name of each agent
 * @param steps every step of every agent, in declaration order
 * @param entryPoints the entry points and their plans, in declaration order
 * @param defaultTimeout the timeout of steps without {@code @Timeout}
 * @param deadline the run deadline, or null
 * @param codecs checkpoint codecs the orchestrator declares, dependencies first
 */
public record WorkflowModel(
    TypeElement workflow,
    String generatedPackage,
    String generatedName,
    List<TypeMirror> agents,
    List<String> agentFields,
    List<StepModel> steps,
    List<Plan> entryPoints,
    Duration defaultTimeout,
    Duration deadline,
    List<CodecModel> codecs) {

  /**
   * One entry point's plan: the steps its output needs, in topological order.
   *
   * @param entryPoint the entry point
   * @param steps indices into {@link WorkflowModel#steps()}, topologically ordered
   * @param inputSlots for each plan step, the slot of each of its dependencies
   * @param outputSlot the slot holding the output
   * @param graphHash a stable hash of the plan
   */
  public record Plan(
      EntryPointModel entryPoint,
      List<Integer> steps,
      List<int[]> inputSlots,
      int outputSlot,
      String graphHash) {}

  /** Whether agent {@code i} is {@code @Remotable}: its steps carry the codecs of their calls. */
  public boolean isRemotable(int agentIndex) {
    return steps.stream().anyMatch(s -> s.agentIndex() == agentIndex && s.remote() != null);
  }
}
