package dev.firebreak.processor.graph;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.annotations.Durations;
import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.Policies;
import dev.firebreak.processor.model.StepModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Resolves a workflow's bindings: who produces each type, which steps each entry point needs, in
 * which order, and whether the graph is sound (no missing or duplicate producers, no cycles).
 * Reports errors on the step, parameter or entry point at fault, and the warnings of DESIGN.md.
 */
public final class BindingGraph {
  private final ValidationReport report;
  private final TypeElement workflow;
  private final AnnotationMirror workflowAnnotation;
  private final List<StepModel> steps;
  private final List<ExecutableElement> stepElements;
  private final List<EntryPointModel> entryPoints;
  private final List<ExecutableElement> entryElements;
  private final Duration defaultTimeout;
  private final Duration deadline;

  /** Producer step of each binding. */
  private final Map<BindingKey, Integer> producers = new LinkedHashMap<>();

  /** For each step, the steps it waits for (producers of its inputs, then {@code after}). */
  private final List<List<Integer>> predecessors = new ArrayList<>();

  private final Map<String, Integer> byName = new HashMap<>();

  public BindingGraph(
      ValidationReport report,
      TypeElement workflow,
      AnnotationMirror workflowAnnotation,
      List<StepModel> steps,
      List<ExecutableElement> stepElements,
      List<EntryPointModel> entryPoints,
      List<ExecutableElement> entryElements,
      Duration defaultTimeout,
      Duration deadline) {
    this.report = report;
    this.workflow = workflow;
    this.workflowAnnotation = workflowAnnotation;
    this.steps = steps;
    this.stepElements = stepElements;
    this.entryPoints = entryPoints;
    this.entryElements = entryElements;
    this.defaultTimeout = defaultTimeout;
    this.deadline = deadline;
  }

  /** The plans of every entry point, or empty after reporting errors. */
  public Optional<List<WorkflowModel.Plan>> resolve() {
    indexProducers();
    linkSteps();
    PrimitiveInputs.check(steps, stepElements, entryPoints, entryElements, producers, report);
    if (!report.isClean()) {
      return Optional.empty();
    }
    reportCycles();
    if (!report.isClean()) {
      return Optional.empty();
    }
    List<WorkflowModel.Plan> plans = new ArrayList<>();
    BitSet needed = new BitSet(steps.size());
    for (int e = 0; e < entryPoints.size(); e++) {
      plan(e, needed).ifPresent(plans::add);
    }
    if (!report.isClean()) {
      return Optional.empty();
    }
    warnUnused(needed);
    warnDeadline();
    return Optional.of(List.copyOf(plans));
  }

  private void indexProducers() {
    for (int i = 0; i < steps.size(); i++) {
      StepModel step = steps.get(i);
      byName.put(step.name(), i);
      Integer previous = producers.putIfAbsent(step.produces(), i);
      if (previous != null) {
        report.report(
            Message.DUPLICATE_BINDING,
            stepElements.get(i),
            step.produces(),
            "step " + describe(stepElements.get(previous)),
            "step " + describe(stepElements.get(i)));
      }
    }
    // An entry point input and a step producing the same binding would leave steps guessing which
    // one they get.
    for (int e = 0; e < entryPoints.size(); e++) {
      List<? extends VariableElement> params = entryElements.get(e).getParameters();
      List<EntryPointModel.Input> all = entryPoints.get(e).parameters();
      for (int p = 0; p < all.size(); p++) {
        BindingKey key = all.get(p).key();
        Integer producer = key == null ? null : producers.get(key);
        if (producer != null) {
          report.report(
              Message.DUPLICATE_BINDING,
              params.get(p),
              key,
              "input " + all.get(p).name() + " of entry point " + describe(entryElements.get(e)),
              "step " + describe(stepElements.get(producer)));
        }
      }
    }
  }

  private void linkSteps() {
    for (int i = 0; i < steps.size(); i++) {
      StepModel step = steps.get(i);
      ExecutableElement method = stepElements.get(i);
      List<Integer> preds = new ArrayList<>();
      List<StepModel.Parameter> parameters = step.parameters();
      for (int p = 0; p < parameters.size(); p++) {
        StepModel.Parameter parameter = parameters.get(p);
        if (parameter.context()) {
          continue;
        }
        Integer producer = producers.get(parameter.key());
        if (producer != null) {
          preds.add(producer);
        } else if (!isSomeInput(parameter.key())) {
          VariableElement element = method.getParameters().get(p);
          report.report(
              Message.MISSING_BINDING,
              element,
              "parameter " + parameter.name() + " of step " + describe(method),
              parameter.key(),
              "",
              sentence(candidates(parameter.key()))
                  + " To provide it, take it as a parameter of an entry point of "
                  + workflow.getSimpleName()
                  + ", or add a @Step method that returns "
                  + (parameter.key().qualifier().isEmpty()
                      ? parameter.key().simpleType()
                      : parameter.key().qualifier() + " " + parameter.key().simpleType())
                  + ".");
        }
      }
      for (String after : step.after()) {
        Integer target = byName.get(after);
        AnnotationMirror mirror =
            AnnotationValues.find(method, AnnotationValues.ANNOTATIONS + "Step").orElseThrow();
        if (target == null) {
          report.reportOn(
              Message.UNKNOWN_AFTER,
              method,
              mirror,
              "after",
              after,
              describe(method),
              workflow.getSimpleName(),
              Names.didYouMeanOrList(after, byName.keySet(), "its steps are"));
        } else if (target == i) {
          report.reportOn(Message.AFTER_SELF, method, mirror, "after", after, describe(method));
        } else if (!preds.contains(target)) {
          preds.add(target);
        }
      }
      predecessors.add(preds);
    }
  }

  private boolean isSomeInput(BindingKey key) {
    return entryPoints.stream()
        .anyMatch(e -> e.inputs().stream().anyMatch(in -> in.key().equals(key)));
  }

  private static String sentence(String text) {
    return text.endsWith(".") ? text : text + ".";
  }

  /** Bindings that look like {@code key}: same raw type, or same simple name; else all of them. */
  private String candidates(BindingKey key) {
    TreeSet<String> all = new TreeSet<>();
    producers.keySet().forEach(k -> all.add(k.toString()));
    entryPoints.forEach(e -> e.inputs().forEach(in -> all.add(in.key().toString())));
    String raw = key.type().replaceAll("<.*", "");
    String simple = raw.substring(raw.lastIndexOf('.') + 1);
    TreeSet<String> close = new TreeSet<>();
    for (String candidate : all) {
      String candidateRaw = candidate.replaceAll("<.*", "").replaceAll("^@\\S+ ", "");
      if (candidateRaw.equals(raw) || candidateRaw.endsWith("." + simple)) {
        close.add(candidate);
      }
    }
    if (!close.isEmpty()) {
      return "Similar bindings: " + String.join(", ", close);
    }
    if (all.isEmpty()) {
      return "Nothing is produced in this workflow yet.";
    }
    return "Available bindings: " + String.join(", ", all);
  }

  /**
   * Prints one cycle path of each set of steps that wait for each other, each edge named by what
   * makes the next step wait: the type it consumes ({@code a -[Long]-> b}) or its {@code after}.
   */
  private void reportCycles() {
    for (List<Integer> cycle : DependencyCycles.of(predecessors)) {
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < cycle.size(); k++) {
        int from = cycle.get(k);
        int to = cycle.get((k + 1) % cycle.size());
        text.append(steps.get(from).name())
            .append(" -[")
            .append(edge(steps.get(from), steps.get(to)))
            .append("]-> ");
      }
      text.append(steps.get(cycle.get(0)).name());
      report.report(Message.DEPENDENCY_CYCLE, stepElements.get(cycle.get(0)), text);
    }
  }

  /** What makes {@code to} wait for {@code from}: the type it consumes from it, or "after". */
  private static String edge(StepModel from, StepModel to) {
    return to.dependencies().contains(from.produces()) ? from.produces().simpleType() : "after";
  }

  private Optional<WorkflowModel.Plan> plan(int e, BitSet neededByAny) {
    EntryPointModel entry = entryPoints.get(e);
    ExecutableElement entryElement = entryElements.get(e);
    List<EntryPointModel.Input> inputs = entry.inputs();
    Map<BindingKey, Integer> inputSlots = new HashMap<>();
    for (int i = 0; i < inputs.size(); i++) {
      inputSlots.put(inputs.get(i).key(), i);
    }
    BitSet needed = new BitSet(steps.size());
    Integer outputProducer = producers.get(entry.output());
    if (outputProducer == null && !inputSlots.containsKey(entry.output())) {
      report.report(
          Message.OUTPUT_NOT_PRODUCED,
          entryElement,
          describe(entryElement),
          entry.output(),
          "",
          candidates(entry.output()));
      return Optional.empty();
    }
    // Collect what the output needs, checking each input exists for this entry point.
    boolean ok = true;
    Deque<Integer> work = new ArrayDeque<>();
    if (outputProducer != null) {
      work.push(outputProducer);
    }
    while (!work.isEmpty()) {
      int s = work.pop();
      if (needed.get(s)) {
        continue;
      }
      needed.set(s);
      StepModel step = steps.get(s);
      for (int p = 0; p < step.parameters().size(); p++) {
        StepModel.Parameter parameter = step.parameters().get(p);
        if (parameter.context() || producers.containsKey(parameter.key())) {
          continue;
        }
        if (!inputSlots.containsKey(parameter.key())) {
          ok = false;
          report.report(
              Message.MISSING_BINDING,
              stepElements.get(s).getParameters().get(p),
              "parameter " + parameter.name() + " of step " + describe(stepElements.get(s)),
              parameter.key(),
              " when run through entry point " + describe(entryElement),
              "Add it as a parameter of " + entry.method() + ", or produce it with a step.");
        }
      }
      predecessors.get(s).forEach(work::push);
    }
    if (!ok) {
      return Optional.empty();
    }
    neededByAny.or(needed);

    // Topological order (Kahn), ties broken by declaration order for a deterministic output.
    int[] remaining = new int[steps.size()];
    List<List<Integer>> successors = new ArrayList<>();
    for (int s = 0; s < steps.size(); s++) {
      successors.add(new ArrayList<>());
    }
    for (int s = needed.nextSetBit(0); s >= 0; s = needed.nextSetBit(s + 1)) {
      remaining[s] = predecessors.get(s).size();
      for (int p : predecessors.get(s)) {
        successors.get(p).add(s);
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int s = needed.nextSetBit(0); s >= 0; s = needed.nextSetBit(s + 1)) {
      if (remaining[s] == 0) {
        ready.add(s);
      }
    }
    List<Integer> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      int s = ready.poll();
      order.add(s);
      for (int next : successors.get(s)) {
        if (--remaining[next] == 0) {
          ready.add(next);
        }
      }
    }
    Map<Integer, Integer> position = new HashMap<>();
    for (int k = 0; k < order.size(); k++) {
      position.put(order.get(k), k);
    }
    List<int[]> stepInputs = new ArrayList<>();
    List<int[]> stepAfter = new ArrayList<>();
    for (int s : order) {
      StepModel step = steps.get(s);
      int[] slots =
          step.dependencies().stream()
              .mapToInt(
                  key ->
                      producers.containsKey(key)
                          ? inputs.size() + position.get(producers.get(key))
                          : inputSlots.get(key))
              .toArray();
      stepInputs.add(slots);
      List<Integer> after = new ArrayList<>();
      for (String name : step.after()) {
        int target = position.get(byName.get(name));
        // An after-edge to a step whose output is consumed anyway adds nothing.
        boolean consumed =
            java.util.Arrays.stream(slots).anyMatch(x -> x == inputs.size() + target);
        if (!consumed && !after.contains(target)) {
          after.add(target);
        }
      }
      stepAfter.add(after.stream().mapToInt(Integer::intValue).toArray());
    }
    int outputSlot =
        outputProducer != null
            ? inputs.size() + position.get(outputProducer)
            : inputSlots.get(entry.output());

    // Inputs the plan never reads.
    List<? extends VariableElement> params = entryElement.getParameters();
    for (int p = 0; p < entry.parameters().size(); p++) {
      EntryPointModel.Input input = entry.parameters().get(p);
      if (input.key() == null || input.key().equals(entry.output())) {
        continue;
      }
      int slot = inputSlots.get(input.key());
      boolean used =
          stepInputs.stream()
              .anyMatch(slots -> java.util.Arrays.stream(slots).anyMatch(x -> x == slot));
      if (!used) {
        report.report(Message.UNUSED_INPUT, params.get(p), input.name(), describe(entryElement));
      }
    }
    List<Integer> planSteps = List.copyOf(order);
    String hash =
        GraphHash.of(
            workflow.getQualifiedName().toString(),
            entry,
            planSteps,
            steps,
            stepInputs,
            stepAfter,
            outputSlot);
    return Optional.of(new WorkflowModel.Plan(entry, planSteps, stepInputs, outputSlot, hash));
  }

  private void warnUnused(BitSet needed) {
    for (int s = 0; s < steps.size(); s++) {
      if (!needed.get(s)) {
        report.report(
            Message.UNUSED_STEP,
            stepElements.get(s),
            describe(stepElements.get(s)),
            workflow.getSimpleName(),
            steps.get(s).produces());
      }
    }
  }

  private void warnDeadline() {
    if (deadline == null) {
      return;
    }
    for (int s = 0; s < steps.size(); s++) {
      StepModel step = steps.get(s);
      Duration timeout = step.timeout() != null ? step.timeout() : defaultTimeout;
      Policies.Retry retry = step.retry();
      int attempts = retry == null ? 1 : retry.maxAttempts();
      Duration total = timeout.multipliedBy(attempts);
      Duration waits = Duration.ZERO;
      if (retry != null) {
        double gap = retry.delay().toNanos();
        for (int a = 1; a < attempts; a++) {
          waits = waits.plusNanos((long) Math.min(gap, retry.maxDelay().toNanos()));
          gap *= retry.multiplier();
        }
      }
      total = total.plus(waits);
      if (total.compareTo(deadline) > 0) {
        report.report(
            Message.DEADLINE_EXCEEDED,
            stepElements.get(s),
            describe(stepElements.get(s)),
            Durations.format(total),
            attempts,
            Durations.format(timeout),
            waits.isZero() ? "" : " + backoff " + Durations.format(waits),
            Durations.format(deadline));
      }
    }
  }
}
