package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.CodecPlan;
import dev.firebreak.processor.model.Policies;
import dev.firebreak.processor.model.StepModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;

/**
 * Validates one {@code @Step} method of an agent and builds its {@link StepModel}: its name,
 * parameters and output here, its shape in {@link StepShape}, its policies in {@link
 * PolicyValidator}, what it yields once failed for good in {@link CriticalValidator}, its
 * compensation in {@link CompensationValidator}, its checkpoint codec in {@link CheckpointTypes}.
 * Reports every problem it finds (not only the first) and returns empty if any.
 */
public final class StepValidator {
  static final String ANNOTATIONS = AnnotationValues.ANNOTATIONS;

  private final ValidationContext context;
  private final AnnotationValues values;
  private final Keys keys;
  private final Accessibility accessibility;
  private final CheckpointTypes checkpointTypes;
  private final PolicyValidator policies;
  private final CriticalValidator criticals;
  private final CompensationValidator compensations;
  private final RemotableValidator remotables;

  public StepValidator(
      ValidationContext context, Accessibility accessibility, CheckpointTypes checkpointTypes) {
    this.context = context;
    this.values = context.values;
    this.keys = new Keys(context);
    this.accessibility = accessibility;
    this.checkpointTypes = checkpointTypes;
    this.policies = new PolicyValidator(context);
    AgentMethods methods = new AgentMethods(context, accessibility, keys);
    this.criticals = new CriticalValidator(context, new FallbackValidator(context, keys, methods));
    this.compensations = new CompensationValidator(context, keys, methods);
    this.remotables = new RemotableValidator(checkpointTypes);
  }

  /**
   * Checks the shape of a {@code @Step} method that holds for any workflow: not private, static or
   * generic, returns a value. Independent of workflows, so errors show even for unlisted agents.
   */
  public static void checkShape(
      ValidationContext context, ValidationReport report, ExecutableElement method) {
    StepShape.check(context, report, method);
  }

  /**
   * Validates {@code method} of {@code agent}; empty if anything is wrong: reported on {@code
   * report}, or a shape problem that {@link #checkShape} reported already.
   */
  public Optional<StepModel> validate(
      ExecutableElement method, TypeElement agent, int agentIndex, ValidationReport report) {
    String where = describe(method);
    AnnotationMirror step = AnnotationValues.find(method, ANNOTATIONS + "Step").orElseThrow();
    String name = values.string(step, "name");
    if (!name.isEmpty() && name.isBlank()) {
      report.reportOn(Message.STEP_BLANK_NAME, method, step, "name", name);
    }
    name = name.isBlank() ? method.getSimpleName().toString() : name.trim();

    // The processor reports shape problems once for every @Step method of its sources, listed or
    // not; a step it did not see (an agent from a library) is reported here.
    if (StepShape.problem(context, method).isPresent()) {
      if (!context.wasShapeChecked(method)) {
        StepShape.check(context, report, method);
      }
      return Optional.empty();
    }
    if (!accessibility.isAccessibleMember(method)) {
      report.report(Message.STEP_NOT_ACCESSIBLE, method, where, accessibility.packageName());
    }

    TypeMirror returned = method.getReturnType();
    boolean async = context.isStage(returned);
    TypeMirror produced = async ? context.stageArgument(returned) : returned;
    BindingKey produces = keys.of(produced, method, report);

    List<StepModel.Parameter> parameters = new ArrayList<>();
    for (VariableElement p : method.getParameters()) {
      TypeMirror type = p.asType();
      boolean isContext = ValidationContext.is(type, RuntimeNames.STEP_CONTEXT);
      BindingKey key = isContext ? null : keys.of(type, p, report);
      parameters.add(new StepModel.Parameter(p.getSimpleName().toString(), type, key, isContext));
    }

    List<String> after = new ArrayList<>();
    for (String a : values.strings(step, "after")) {
      after.add(a.trim());
    }

    Policies.Retry retry = policies.retry(method, report);
    Duration timeout = policies.timeout(method, report);
    Policies.Breaker breaker = policies.breaker(method, report);

    CriticalValidator.Degradation degradation =
        criticals.degradation(method, agent, produced, async, parameters, report);

    StepModel.Call compensation = null;
    Optional<AnnotationMirror> compensate =
        AnnotationValues.find(method, ANNOTATIONS + "Compensate");
    if (compensate.isPresent()) {
      compensation =
          compensations.compensation(method, agent, compensate.get(), produced, parameters, report);
    }

    CodecPlan codec = null;
    if (AnnotationValues.find(method, ANNOTATIONS + "Checkpointed").isPresent()) {
      CheckpointTypes.Encoding encoding = checkpointTypes.encoding(produced);
      if (encoding.failure() != null) {
        CheckpointTypes.Failure f = encoding.failure();
        report.reportOn(
            Message.NOT_ENCODABLE,
            method,
            AnnotationValues.find(method, ANNOTATIONS + "Checkpointed").get(),
            null,
            where,
            produced,
            f.path(),
            f.reason());
      } else {
        codec = encoding.plan();
      }
    }

    StepModel.Remote remote = null;
    if (AnnotationValues.find(agent, ANNOTATIONS + "Remotable").isPresent()) {
      remote = remotables.remote(method, agent, produced, report);
    }

    if (!report.isClean()
        || produces == null
        || parameters.stream().anyMatch(p -> !p.context() && p.key() == null)) {
      return Optional.empty();
    }
    return Optional.of(
        new StepModel(
            name,
            agentIndex,
            method.getSimpleName().toString(),
            agent.getQualifiedName() + "#" + method.getSimpleName(),
            produces,
            produced,
            produced.getKind().isPrimitive(),
            async,
            List.copyOf(parameters),
            List.copyOf(after),
            retry,
            timeout,
            breaker,
            degradation.critical(),
            degradation.fallback(),
            compensation,
            codec,
            CheckpointTypes.neutral(produced),
            degradation.orElse(),
            nullOutput(method, returned, produced),
            remote));
  }

  /**
   * What a null output of {@code method} means: {@code Optional.empty()} for an {@code Optional}
   * output; a valid output where an annotation named {@code Nullable} (any package, as Dagger reads
   * it) is on the method, its return type or the stage's type argument; otherwise a failed attempt.
   */
  private static StepModel.NullOutput nullOutput(
      ExecutableElement method, TypeMirror returned, TypeMirror produced) {
    if (ValidationContext.is(produced, "java.util.Optional")) {
      return StepModel.NullOutput.EMPTY_OPTIONAL;
    }
    for (List<? extends AnnotationMirror> annotations :
        List.of(
            method.getAnnotationMirrors(),
            returned.getAnnotationMirrors(),
            produced.getAnnotationMirrors())) {
      for (AnnotationMirror a : annotations) {
        if (a.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable")) {
          return StepModel.NullOutput.ALLOWED;
        }
      }
    }
    return StepModel.NullOutput.REFUSED;
  }
}
