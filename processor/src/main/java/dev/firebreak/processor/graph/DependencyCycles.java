package dev.firebreak.processor.graph;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

/**
 * The cycles of a step graph: each set of steps that wait for each other (a strongly connected
 * component with a cycle, found with Tarjan's algorithm), as one cycle through it in the order data
 * flows, from its lowest step round. Graphs are small (tens to hundreds of steps): recursion depth
 * is fine.
 */
final class DependencyCycles {
  private final List<List<Integer>> predecessors;
  private final int[] index;
  private final int[] low;
  private final boolean[] onStack;
  private final Deque<Integer> stack = new ArrayDeque<>();
  private final List<List<Integer>> cycles = new ArrayList<>();
  private int counter;

  private DependencyCycles(List<List<Integer>> predecessors) {
    this.predecessors = predecessors;
    int n = predecessors.size();
    this.index = new int[n];
    this.low = new int[n];
    this.onStack = new boolean[n];
    Arrays.fill(index, -1);
  }

  /**
   * One cycle per set of steps that wait for each other, each starting at its lowest step.
   *
   * @param predecessors for each step, the steps it waits for
   */
  static List<List<Integer>> of(List<List<Integer>> predecessors) {
    DependencyCycles search = new DependencyCycles(predecessors);
    for (int i = 0; i < predecessors.size(); i++) {
      if (search.index[i] < 0) {
        search.strongConnect(i);
      }
    }
    return search.cycles;
  }

  private void strongConnect(int v) {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = true;
    for (int w : predecessors.get(v)) {
      if (index[w] < 0) {
        strongConnect(w);
        low[v] = Math.min(low[v], low[w]);
      } else if (onStack[w]) {
        low[v] = Math.min(low[v], index[w]);
      }
    }
    if (low[v] == index[v]) {
      List<Integer> component = new ArrayList<>();
      int w;
      do {
        w = stack.pop();
        onStack[w] = false;
        component.add(w);
      } while (w != v);
      if (component.size() > 1 || predecessors.get(v).contains(v)) {
        cycles.add(cycleThrough(component));
      }
    }
  }

  /** A cycle through {@code component} from its lowest step, in the order data flows. */
  private List<Integer> cycleThrough(List<Integer> component) {
    int start = component.stream().min(Integer::compare).orElseThrow();
    BitSet inComponent = new BitSet();
    component.forEach(inComponent::set);
    // The search follows "waits for" edges; data flows the other way.
    List<Integer> path = new ArrayList<>();
    findPath(start, start, inComponent, path, new BitSet());
    List<Integer> cycle = new ArrayList<>();
    cycle.add(start);
    for (int k = path.size() - 1; k >= 1; k--) {
      cycle.add(path.get(k));
    }
    return cycle;
  }

  /** Depth-first search for a path from {@code current} back to {@code target}. */
  private boolean findPath(
      int current, int target, BitSet component, List<Integer> path, BitSet visited) {
    path.add(current);
    visited.set(current);
    for (int next : predecessors.get(current)) {
      if (next == target) {
        return true;
      }
      if (component.get(next)
          && !visited.get(next)
          && findPath(next, target, component, path, visited)) {
        return true;
      }
    }
    path.remove(path.size() - 1);
    return false;
  }
}
