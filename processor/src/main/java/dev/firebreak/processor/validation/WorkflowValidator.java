package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import com.squareup.javapoet.ClassName;
import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.graph.BindingGraph;
import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.Policies;
import dev.firebreak.processor.model.StepModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Validates a {@code @Workflow} interface, its agents, steps and entry points, then hands the valid
 * model to the {@link BindingGraph}. Returns a {@link WorkflowModel} only when nothing was wrong.
 */
public final class WorkflowValidator {
  /** A breaker name's first declaration in this compilation, to compare later ones against. */
  public record BreakerDeclaration(Policies.Breaker breaker, String declaredOn) {}

  private final ValidationContext context;
  private final Map<String, BreakerDeclaration> breakers;
  private final ValidationReport report;

  /**
   * @param breakers breaker declarations seen so far in this compilation, across workflows: one
   *     breaker per name must have one configuration
   * @param report where this workflow's problems go
   */
  public WorkflowValidator(
      ValidationContext context,
      Map<String, BreakerDeclaration> breakers,
      ValidationReport report) {
    this.context = context;
    this.breakers = breakers;
    this.report = report;
  }

  public Optional<WorkflowModel> validate(TypeElement workflow) {
    AnnotationMirror annotation =
        AnnotationValues.find(workflow, StepValidator.ANNOTATIONS + "Workflow").orElseThrow();
    if (workflow.getKind() != ElementKind.INTERFACE) {
      report.report(
          Message.WORKFLOW_NOT_INTERFACE,
          workflow,
          workflow.getQualifiedName(),
          workflow.getKind().toString().toLowerCase().replace('_', ' '));
      return Optional.empty();
    }
    ClassName workflowName = ClassName.get(workflow);
    ClassName generated =
        ClassName.get(
            workflowName.packageName(), "Firebreak" + String.join("_", workflowName.simpleNames()));
    if (!new Accessibility(context.elements, context.elements.getPackageOf(workflow))
        .isAccessible(workflow)) {
      report.report(
          Message.WORKFLOW_NOT_ACCESSIBLE,
          workflow,
          workflow.getQualifiedName(),
          generated.simpleName());
      return Optional.empty();
    }
    Accessibility accessibility =
        new Accessibility(context.elements, context.elements.getPackageOf(workflow));
    CheckpointTypes checkpointTypes = new CheckpointTypes(context.types, accessibility);
    StepValidator stepValidator = new StepValidator(context, accessibility, checkpointTypes);
    EntryPointValidator entryPointValidator = new EntryPointValidator(context, checkpointTypes);

    Duration defaultTimeout =
        context.duration(report, annotation, "defaultTimeout", workflow, false);
    if (defaultTimeout == null && context.values.string(annotation, "defaultTimeout").isEmpty()) {
      report.reportOn(
          Message.DURATION_NOT_POSITIVE,
          workflow,
          annotation,
          "defaultTimeout",
          "@Workflow(defaultTimeout)",
          "",
          workflow.getQualifiedName());
    }
    Duration deadline = context.duration(report, annotation, "deadline", workflow, false);

    // Agents and their steps.
    List<TypeMirror> agentTypes = context.values.types(annotation, "agents");
    if (agentTypes.isEmpty()) {
      report.reportOn(
          Message.WORKFLOW_NO_AGENTS, workflow, annotation, "agents", workflow.getQualifiedName());
    }
    List<TypeMirror> agents = new ArrayList<>();
    List<String> agentFields = new ArrayList<>();
    List<StepModel> steps = new ArrayList<>();
    List<ExecutableElement> stepElements = new ArrayList<>();
    Set<String> seenAgents = new HashSet<>();
    Map<ExecutableElement, TypeElement> stepOwners = new HashMap<>();
    boolean invalidSteps = false;
    for (TypeMirror agentType : agentTypes) {
      if (agentType.getKind() != TypeKind.DECLARED) {
        report.reportOn(
            Message.AGENT_NOT_CLASS,
            workflow,
            annotation,
            "agents",
            agentType,
            agentType.getKind().isPrimitive()
                ? "a primitive type"
                : "an " + agentType.getKind().toString().toLowerCase() + " type");
        continue;
      }
      TypeElement agent = (TypeElement) ((DeclaredType) agentType).asElement();
      if (agent.getKind() == ElementKind.ANNOTATION_TYPE || agent.getKind() == ElementKind.ENUM) {
        report.reportOn(
            Message.AGENT_NOT_CLASS,
            workflow,
            annotation,
            "agents",
            agent.getQualifiedName(),
            agent.getKind() == ElementKind.ENUM ? "an enum" : "an annotation type");
        continue;
      }
      if (!seenAgents.add(agent.getQualifiedName().toString())) {
        report.reportOn(
            Message.WORKFLOW_DUPLICATE_AGENT,
            workflow,
            annotation,
            "agents",
            agent.getQualifiedName(),
            workflow.getSimpleName());
        continue;
      }
      if (!accessibility.isAccessible(agent)) {
        report.reportOn(
            Message.AGENT_NOT_ACCESSIBLE,
            workflow,
            annotation,
            "agents",
            agent.getQualifiedName(),
            accessibility.packageName());
        continue;
      }
      if (!agent.getTypeParameters().isEmpty()) {
        report.reportOn(
            Message.AGENT_GENERIC, workflow, annotation, "agents", agent.getQualifiedName());
        continue;
      }
      int agentIndex = agents.size();
      agents.add(context.types.erasure(agentType));
      agentFields.add(
          uniqueField(Names.decapitalize(agent.getSimpleName().toString()), agentFields));
      int stepsBefore = steps.size();
      for (Element member : context.elements.getAllMembers(agent)) {
        if (member.getKind() == ElementKind.METHOD
            && AnnotationValues.find(member, StepValidator.ANNOTATIONS + "Step").isPresent()) {
          ExecutableElement method = (ExecutableElement) member;
          TypeElement owner = stepOwners.putIfAbsent(method, agent);
          if (owner != null) {
            report.reportOn(
                Message.STEP_SHARED_BY_AGENTS,
                workflow,
                annotation,
                "agents",
                describe(method),
                owner.getQualifiedName(),
                agent.getQualifiedName());
            continue;
          }
          Optional<StepModel> step =
              stepValidator.validate(method, agent, agentIndex, report.child());
          if (step.isPresent()) {
            steps.add(step.get());
            stepElements.add(method);
          } else {
            invalidSteps = true;
          }
        }
      }
      if (steps.size() == stepsBefore && !hasStepMethods(agent)) {
        report.reportOn(
            Message.AGENT_NO_STEPS, workflow, annotation, "agents", agent.getQualifiedName());
      }
    }
    checkStepNames(steps, stepElements);
    checkBreakers(steps, stepElements);

    // Entry points.
    List<EntryPointModel> entryPoints = new ArrayList<>();
    List<ExecutableElement> entryElements = new ArrayList<>();
    Map<String, ExecutableElement> entryNames = new HashMap<>();
    for (Element member : context.elements.getAllMembers(workflow)) {
      if (member.getKind() != ElementKind.METHOD
          || !member.getModifiers().contains(Modifier.ABSTRACT)) {
        continue;
      }
      ExecutableElement method = (ExecutableElement) member;
      if (entryNames.putIfAbsent(method.getSimpleName().toString(), method) != null) {
        report.report(Message.ENTRY_POINT_OVERLOADED, method, describe(method));
        continue;
      }
      entryPointValidator
          .validate(method, steps.stream().anyMatch(st -> st.codec() != null), report)
          .ifPresent(
              e -> {
                entryPoints.add(e);
                entryElements.add(method);
              });
    }
    if (entryNames.isEmpty()) {
      report.report(Message.WORKFLOW_NO_ENTRY_POINT, workflow, workflow.getQualifiedName());
    }

    if (!report.isClean() || invalidSteps) {
      return Optional.empty();
    }
    BindingGraph graph =
        new BindingGraph(
            report.child(),
            workflow,
            annotation,
            steps,
            stepElements,
            entryPoints,
            entryElements,
            defaultTimeout,
            deadline);
    Optional<List<WorkflowModel.Plan>> plans = graph.resolve();
    if (plans.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new WorkflowModel(
            workflow,
            generated.packageName(),
            generated.simpleName(),
            List.copyOf(agents),
            List.copyOf(agentFields),
            List.copyOf(steps),
            plans.get(),
            defaultTimeout,
            deadline,
            checkpointTypes.recordCodecs()));
  }

  private boolean hasStepMethods(TypeElement agent) {
    for (Element member : context.elements.getAllMembers(agent)) {
      if (AnnotationValues.find(member, StepValidator.ANNOTATIONS + "Step").isPresent()) {
        return true;
      }
    }
    return false;
  }

  private static String uniqueField(String base, List<String> taken) {
    String name = base;
    if (SourceVersion.isKeyword(name)) {
      name = base + "Agent";
    }
    for (int i = 2; taken.contains(name) || name.equals("runtime"); i++) {
      name = base + i;
    }
    return name;
  }

  private void checkStepNames(List<StepModel> steps, List<ExecutableElement> elements) {
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Integer previous = byName.putIfAbsent(steps.get(i).name(), i);
      if (previous != null) {
        ExecutableElement method = elements.get(i);
        AnnotationMirror step =
            AnnotationValues.find(method, StepValidator.ANNOTATIONS + "Step").orElseThrow();
        report.reportOn(
            Message.STEP_DUPLICATE_NAME,
            method,
            step,
            "name",
            steps.get(i).name(),
            describe(elements.get(previous)),
            describe(method));
      }
    }
  }

  private void checkBreakers(List<StepModel> steps, List<ExecutableElement> elements) {
    for (int i = 0; i < steps.size(); i++) {
      Policies.Breaker breaker = steps.get(i).breaker();
      if (breaker == null) {
        continue;
      }
      ExecutableElement method = elements.get(i);
      BreakerDeclaration first =
          breakers.putIfAbsent(breaker.name(), new BreakerDeclaration(breaker, describe(method)));
      if (first != null && !first.breaker().describe().equals(breaker.describe())) {
        AnnotationMirror mirror =
            AnnotationValues.find(method, StepValidator.ANNOTATIONS + "CircuitBreaker")
                .orElseThrow();
        report.reportOn(
            Message.BREAKER_CONFLICT,
            method,
            mirror,
            null,
            breaker.name(),
            first.declaredOn(),
            first.breaker().describe(),
            describe(method),
            breaker.describe());
      }
    }
  }
}
