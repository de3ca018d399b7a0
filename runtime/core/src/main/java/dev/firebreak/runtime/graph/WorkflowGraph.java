package dev.firebreak.runtime.graph;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The static descriptor of a workflow, generated at compile time: its entry points' plans and a
 * Mermaid rendering of the whole graph.
 *
 * @param workflow the workflow interface's qualified name
 * @param graphHash a stable hash over every entry point's plan
 * @param entryPoints one plan per entry point, in declaration order
 * @param mermaid the graph as a Mermaid flowchart (also written to {@code
 *     META-INF/firebreak/<Workflow>.mmd})
 */
public record WorkflowGraph(
    String workflow, String graphHash, List<EntryPointPlan> entryPoints, String mermaid) {

  public WorkflowGraph {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(graphHash, "graphHash");
    entryPoints = List.copyOf(entryPoints);
    Objects.requireNonNull(mermaid, "mermaid");
  }

  /** The plan of the entry point called {@code name}. */
  public EntryPointPlan entryPoint(String name) {
    for (EntryPointPlan plan : entryPoints) {
      if (plan.name().equals(name)) {
        return plan;
      }
    }
    throw new NoSuchElementException("no entry point " + name + " in " + workflow);
  }
}
