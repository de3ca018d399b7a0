package dev.firebreak.processor;

import com.google.auto.service.AutoService;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.JavaFile;
import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.Reporter;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.graph.GraphHash;
import dev.firebreak.processor.model.WorkflowModel;
import dev.firebreak.processor.validation.StepValidator;
import dev.firebreak.processor.validation.ValidationContext;
import dev.firebreak.processor.validation.WorkflowValidator;
import dev.firebreak.processor.writing.MermaidWriter;
import dev.firebreak.processor.writing.OrchestratorWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.StandardLocation;

/**
 * The Firebreak annotation processor. For each {@code @Workflow} interface it validates the
 * declaration, builds an immutable model, resolves and validates the binding graph, and only then
 * writes {@code Firebreak<Workflow>} and {@code META-INF/firebreak/<Workflow>.mmd}. Nothing is
 * written for a workflow with an error, and no exception ever escapes to javac: an internal failure
 * becomes an error diagnostic with its trace.
 *
 * <p>It also checks every {@code @Step} method's shape and that policy annotations sit on steps,
 * whether or not a workflow in this compilation lists the agent.
 */
@AutoService(Processor.class)
public final class FirebreakProcessor extends AbstractProcessor {
  private static final String PACKAGE = AnnotationValues.ANNOTATIONS;
  private static final List<String> POLICIES =
      List.of("Retry", "Timeout", "CircuitBreaker", "Critical", "Checkpointed", "Compensate");

  /** Workflows whose types were not all generated yet, kept by name across rounds. */
  private final Set<String> deferred = new LinkedHashSet<>();

  /** Whether an error was reported in an earlier round. */
  private boolean failed;

  /** Breaker configurations seen in this compilation, across workflows. */
  private final Map<String, WorkflowValidator.BreakerDeclaration> breakers = new HashMap<>();

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> types = new LinkedHashSet<>();
    types.add(PACKAGE + "Workflow");
    types.add(PACKAGE + "Step");
    types.add(PACKAGE + "RunId");
    POLICIES.forEach(p -> types.add(PACKAGE + p));
    return types;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Reporter reporter = new Reporter(processingEnv.getMessager());
    ValidationContext context =
        new ValidationContext(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
    ValidationReport roundReport = ValidationReport.on(reporter);
    Element current = null;
    try {
      for (Element step : annotated(round, "Step")) {
        current = step;
        if (step.getKind() == ElementKind.METHOD) {
          StepValidator.checkShape(context, roundReport, (ExecutableElement) step);
          context.shapeChecked((ExecutableElement) step);
        }
      }
      for (String policy : POLICIES) {
        for (Element element : annotated(round, policy)) {
          current = element;
          if (AnnotationValues.find(element, PACKAGE + "Step").isEmpty()) {
            AnnotationMirror mirror =
                AnnotationValues.find(element, PACKAGE + policy).orElseThrow();
            roundReport.reportOn(
                Message.POLICY_WITHOUT_STEP,
                element,
                mirror,
                null,
                policy,
                Descriptions.describe(element),
                policy);
          }
        }
      }
      List<Map.Entry<WorkflowModel, TypeElement>> valid = new ArrayList<>();
      Set<String> names = new LinkedHashSet<>(deferred);
      deferred.clear();
      for (Element element : annotated(round, "Workflow")) {
        if (element instanceof TypeElement) {
          names.add(((TypeElement) element).getQualifiedName().toString());
        }
      }
      for (String name : names) {
        TypeElement workflow = processingEnv.getElementUtils().getTypeElement(name);
        if (workflow == null) {
          continue;
        }
        current = workflow;
        if (!round.processingOver() && referencesMissingTypes(workflow)) {
          // Another processor may generate those types in a later round.
          deferred.add(name);
          continue;
        }
        Optional<WorkflowModel> model =
            new WorkflowValidator(context, breakers, roundReport.child()).validate(workflow);
        model.ifPresent(m -> valid.add(Map.entry(m, workflow)));
      }
      // Nothing is generated once any error was reported, in this round or an earlier one: the
      // build fails anyway, and half a generated set would only add confusing follow-up errors.
      failed |= !roundReport.isClean();
      if (!failed) {
        for (Map.Entry<WorkflowModel, TypeElement> entry : valid) {
          current = entry.getValue();
          write(entry.getKey(), entry.getValue());
        }
      }
    } catch (RuntimeException | Error e) {
      failed = true;
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      reporter.report(
          Message.INTERNAL_ERROR, current, current == null ? "?" : current.toString(), trace);
    }
    return false;
  }

  private List<? extends Element> annotated(RoundEnvironment round, String simpleName) {
    TypeElement annotation = processingEnv.getElementUtils().getTypeElement(PACKAGE + simpleName);
    if (annotation == null) {
      return List.of();
    }
    return round.getElementsAnnotatedWith(annotation).stream().collect(Collectors.toList());
  }

  private void write(WorkflowModel model, TypeElement workflow) {
    String mermaid = MermaidWriter.render(model);
    List<String> planHashes = new ArrayList<>();
    model.entryPoints().forEach(p -> planHashes.add(p.graphHash()));
    String graphHash = GraphHash.sha256(String.join("\n", planHashes));
    JavaFile file = new OrchestratorWriter(model, graphHash, mermaid).write();
    try {
      // One originating element per file keeps incremental builds (Gradle "isolating") exact.
      javax.tools.JavaFileObject source =
          processingEnv
              .getFiler()
              .createSourceFile(OrchestratorWriter.generatedName(model).canonicalName(), workflow);
      try (Writer w = source.openWriter()) {
        file.writeTo(w);
      }
      String resource =
          "META-INF/firebreak/"
              + String.join("_", ClassName.get(model.workflow()).simpleNames())
              + ".mmd";
      javax.tools.FileObject diagram =
          processingEnv
              .getFiler()
              .createResource(StandardLocation.CLASS_OUTPUT, "", resource, workflow);
      try (Writer w =
          new java.io.OutputStreamWriter(diagram.openOutputStream(), StandardCharsets.UTF_8)) {
        w.write(mermaid);
      }
      // An index entry per orchestrator, named after it and holding its workflow interface: how
      // an integration (the Spring Boot starter) finds generated orchestrators without scanning.
      String generated = OrchestratorWriter.generatedName(model).canonicalName();
      javax.tools.FileObject index =
          processingEnv
              .getFiler()
              .createResource(
                  StandardLocation.CLASS_OUTPUT,
                  "",
                  "META-INF/firebreak/orchestrators/" + generated,
                  workflow);
      try (Writer w =
          new java.io.OutputStreamWriter(index.openOutputStream(), StandardCharsets.UTF_8)) {
        w.write(workflow.getQualifiedName() + "\n");
      }
    } catch (IOException e) {
      failed = true;
      new Reporter(processingEnv.getMessager())
          .report(
              Message.INTERNAL_ERROR,
              workflow,
              workflow.getQualifiedName(),
              "cannot write output: " + e);
    }
  }

  /** Whether the workflow refers to a type that does not exist (yet). */
  private boolean referencesMissingTypes(TypeElement workflow) {
    AnnotationValues values = new AnnotationValues(processingEnv.getElementUtils());
    AnnotationMirror annotation =
        AnnotationValues.find(workflow, PACKAGE + "Workflow").orElse(null);
    if (annotation == null) {
      return false;
    }
    List<TypeMirror> agents = values.types(annotation, "agents");
    for (TypeMirror agent : agents) {
      if (agent.getKind() == TypeKind.ERROR) {
        return true;
      }
      if (agent.getKind() == TypeKind.DECLARED) {
        for (Element member : ((DeclaredType) agent).asElement().getEnclosedElements()) {
          if (member.getKind() == ElementKind.METHOD && isMissing((ExecutableElement) member)) {
            return true;
          }
        }
      }
    }
    for (Element member : workflow.getEnclosedElements()) {
      if (member.getKind() == ElementKind.METHOD && isMissing((ExecutableElement) member)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMissing(ExecutableElement method) {
    if (method.getReturnType().getKind() == TypeKind.ERROR) {
      return true;
    }
    for (VariableElement p : method.getParameters()) {
      if (p.asType().getKind() == TypeKind.ERROR) {
        return true;
      }
    }
    return false;
  }
}
