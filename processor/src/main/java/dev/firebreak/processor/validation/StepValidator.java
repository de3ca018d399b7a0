package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.TypeName;
import dev.firebreak.annotations.PolicyLimits;
import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.Policies;
import dev.firebreak.processor.model.StepModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Validates one {@code @Step} method of an agent and its policy annotations, and builds its {@link
 * StepModel}. Reports every problem it finds (not only the first) and returns empty if any.
 */
public final class StepValidator {
  static final String ANNOTATIONS = "dev.firebreak.annotations.";

  private final ValidationContext context;
  private final AnnotationValues values;
  private final Keys keys;
  private final Accessibility accessibility;
  private final CheckpointTypes checkpointTypes;

  public StepValidator(
      ValidationContext context, Accessibility accessibility, CheckpointTypes checkpointTypes) {
    this.context = context;
    this.values = context.values;
    this.keys = new Keys(context);
    this.accessibility = accessibility;
    this.checkpointTypes = checkpointTypes;
  }

  /**
   * Checks the shape of a {@code @Step} method that holds for any workflow: not private, static or
   * generic, returns a value. Independent of workflows, so errors show even for unlisted agents.
   */
  public static void checkShape(
      ValidationContext context, ValidationReport report, ExecutableElement method) {
    shapeProblem(context, method)
        .ifPresent(
            problem ->
                report.report(
                    problem,
                    method,
                    describe(method),
                    Descriptions.simple(method.getReturnType())));
  }

  /** The first thing wrong with the method's shape, if any. */
  private static Optional<Message> shapeProblem(
      ValidationContext context, ExecutableElement method) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return Optional.of(Message.STEP_PRIVATE);
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return Optional.of(Message.STEP_STATIC);
    }
    if (!method.getTypeParameters().isEmpty()) {
      return Optional.of(Message.STEP_GENERIC);
    }
    TypeMirror returned = method.getReturnType();
    if (returned.getKind() == TypeKind.VOID || ValidationContext.is(returned, "java.lang.Void")) {
      return Optional.of(Message.STEP_VOID);
    }
    if (context.isStage(returned)) {
      TypeMirror argument = context.stageArgument(returned);
      if (argument == null) {
        return Optional.of(Message.STEP_RAW_TYPE);
      }
      if (ValidationContext.is(argument, "java.lang.Void")) {
        return Optional.of(Message.STEP_VOID);
      }
    }
    return Optional.empty();
  }

  /**
   * Validates {@code method} of {@code agent}; empty if anything is wrong: reported on {@code
   * report}, or a shape problem that {@link #checkShape} reports for every step.
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

    // The processor reports shape problems once for every @Step method, listed or not.
    if (shapeProblem(context, method).isPresent()) {
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
      parameters.add(
          new StepModel.Parameter(
              p.getSimpleName().toString(), TypeName.get(type), key, isContext));
    }

    List<String> after = new ArrayList<>();
    for (String a : values.strings(step, "after")) {
      after.add(a.trim());
    }

    Policies.Retry retry = retry(method, report);
    Duration timeout = timeout(method, report);
    Policies.Breaker breaker = breaker(method, report);

    boolean critical = true;
    StepModel.Call fallback = null;
    Optional<AnnotationMirror> criticalMirror =
        AnnotationValues.find(method, ANNOTATIONS + "Critical");
    if (criticalMirror.isPresent()) {
      critical = values.bool(criticalMirror.get(), "value");
      String fallbackName = values.string(criticalMirror.get(), "fallback");
      if (!fallbackName.isEmpty()) {
        fallback =
            fallback(
                method,
                agent,
                criticalMirror.get(),
                fallbackName,
                produced,
                async,
                parameters,
                report);
      } else if (!critical && produced.getKind().isPrimitive()) {
        report.reportOn(
            Message.PRIMITIVE_NON_CRITICAL,
            method,
            criticalMirror.get(),
            "value",
            where,
            produced,
            context
                .types
                .boxedClass((javax.lang.model.type.PrimitiveType) produced)
                .getSimpleName());
      }
    }

    StepModel.Call compensation = null;
    Optional<AnnotationMirror> compensate =
        AnnotationValues.find(method, ANNOTATIONS + "Compensate");
    if (compensate.isPresent()) {
      compensation = compensation(method, agent, compensate.get(), produced, parameters, report);
    }

    CodeBlock codec = null;
    if (AnnotationValues.find(method, ANNOTATIONS + "Checkpointed").isPresent()) {
      Object result = checkpointTypes.codecOf(produced);
      if (result instanceof CheckpointTypes.Failure) {
        CheckpointTypes.Failure f = (CheckpointTypes.Failure) result;
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
        codec = (CodeBlock) result;
      }
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
            TypeName.get(produced),
            produced.getKind().isPrimitive(),
            async,
            List.copyOf(parameters),
            List.copyOf(after),
            retry,
            timeout,
            breaker,
            critical,
            fallback,
            compensation,
            codec,
            CheckpointTypes.neutral(produced),
            nullOutput(method, returned, produced)));
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

  private Policies.Retry retry(ExecutableElement method, ValidationReport step) {
    Optional<AnnotationMirror> found = AnnotationValues.find(method, ANNOTATIONS + "Retry");
    if (found.isEmpty()) {
      return null;
    }
    AnnotationMirror retry = found.get();
    String where = describe(method);
    ValidationReport report = step.child();
    int maxAttempts = values.integer(retry, "maxAttempts");
    if (maxAttempts < PolicyLimits.RETRY_MAX_ATTEMPTS_MIN
        || maxAttempts > PolicyLimits.RETRY_MAX_ATTEMPTS_MAX) {
      report.reportOn(Message.RETRY_MAX_ATTEMPTS, method, retry, "maxAttempts", maxAttempts, where);
    }
    double multiplier = values.decimal(retry, "multiplier");
    if (!(multiplier >= PolicyLimits.RETRY_MULTIPLIER_MIN
        && multiplier <= PolicyLimits.RETRY_MULTIPLIER_MAX)) {
      report.reportOn(Message.RETRY_MULTIPLIER, method, retry, "multiplier", multiplier, where);
    }
    double jitter = values.decimal(retry, "jitter");
    if (!(jitter >= PolicyLimits.RETRY_JITTER_MIN && jitter <= PolicyLimits.RETRY_JITTER_MAX)) {
      report.reportOn(Message.RETRY_JITTER, method, retry, "jitter", jitter, where);
    }
    Duration delay = context.duration(report, retry, "delay", method, true);
    if (delay == null && values.string(retry, "delay").isEmpty()) {
      delay = Duration.ZERO;
    }
    Duration maxDelay = context.duration(report, retry, "maxDelay", method, false);
    if (maxDelay == null && values.string(retry, "maxDelay").isEmpty()) {
      report.reportOn(
          Message.DURATION_NOT_POSITIVE, method, retry, "maxDelay", "@Retry(maxDelay)", "", where);
    }
    Duration maxDuration = context.duration(report, retry, "maxDuration", method, false);
    if (delay != null && maxDelay != null && delay.compareTo(maxDelay) > 0) {
      report.reportOn(
          Message.RETRY_DELAY_EXCEEDS_MAX,
          method,
          retry,
          "delay",
          where,
          values.string(retry, "delay"),
          values.string(retry, "maxDelay"));
    }
    List<TypeMirror> retryOn = values.types(retry, "retryOn");
    List<TypeMirror> abortOn = values.types(retry, "abortOn");
    if (retryOn.isEmpty()) {
      report.reportOn(Message.RETRY_ON_EMPTY, method, retry, "retryOn", where);
    }
    for (TypeMirror t : abortOn) {
      if (retryOn.stream().anyMatch(r -> context.types.isSameType(r, t))) {
        report.reportOn(
            Message.RETRY_ON_ABORT_ON, method, retry, "abortOn", Descriptions.simple(t), where);
      }
    }
    if (!report.isClean()) {
      return null;
    }
    return new Policies.Retry(
        maxAttempts,
        delay,
        multiplier,
        maxDelay,
        jitter,
        typeNames(retryOn),
        typeNames(abortOn),
        maxDuration);
  }

  private Duration timeout(ExecutableElement method, ValidationReport report) {
    Optional<AnnotationMirror> found = AnnotationValues.find(method, ANNOTATIONS + "Timeout");
    if (found.isEmpty()) {
      return null;
    }
    Duration d = context.duration(report, found.get(), "value", method, false);
    if (d == null && values.string(found.get(), "value").isEmpty()) {
      report.reportOn(
          Message.DURATION_NOT_POSITIVE,
          method,
          found.get(),
          "value",
          "@Timeout(value)",
          "",
          describe(method));
    }
    return d;
  }

  private Policies.Breaker breaker(ExecutableElement method, ValidationReport step) {
    Optional<AnnotationMirror> found =
        AnnotationValues.find(method, ANNOTATIONS + "CircuitBreaker");
    if (found.isEmpty()) {
      return null;
    }
    AnnotationMirror breaker = found.get();
    String where = describe(method);
    ValidationReport report = step.child();
    String name = values.string(breaker, "name").trim();
    if (name.isEmpty()) {
      report.reportOn(Message.BREAKER_NAME_BLANK, method, breaker, "name", where);
    }
    int threshold = values.integer(breaker, "failureThreshold");
    if (threshold < PolicyLimits.BREAKER_FAILURE_THRESHOLD_MIN
        || threshold > PolicyLimits.BREAKER_FAILURE_THRESHOLD_MAX) {
      report.reportOn(
          Message.BREAKER_THRESHOLD, method, breaker, "failureThreshold", threshold, where);
    }
    int trials = values.integer(breaker, "halfOpenTrials");
    if (trials < PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MIN
        || trials > PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MAX) {
      report.reportOn(
          Message.BREAKER_HALF_OPEN_TRIALS, method, breaker, "halfOpenTrials", trials, where);
    }
    double ratio = values.decimal(breaker, "failureRatio");
    if (!(ratio >= PolicyLimits.BREAKER_FAILURE_RATIO_MIN
        && ratio <= PolicyLimits.BREAKER_FAILURE_RATIO_MAX)) {
      report.reportOn(Message.BREAKER_FAILURE_RATIO, method, breaker, "failureRatio", ratio, where);
    }
    int window = values.integer(breaker, "window");
    if (window < PolicyLimits.BREAKER_WINDOW_MIN || window > PolicyLimits.BREAKER_WINDOW_MAX) {
      report.reportOn(Message.BREAKER_WINDOW, method, breaker, "window", window, where);
    }
    Duration openFor = context.duration(report, breaker, "openFor", method, false);
    if (openFor == null && values.string(breaker, "openFor").isEmpty()) {
      report.reportOn(
          Message.DURATION_NOT_POSITIVE,
          method,
          breaker,
          "openFor",
          "@CircuitBreaker(openFor)",
          "",
          where);
    }
    List<TypeMirror> failOn = values.types(breaker, "failOn");
    List<TypeMirror> skipOn = values.types(breaker, "skipOn");
    for (TypeMirror t : skipOn) {
      if (failOn.stream().anyMatch(f -> context.types.isSameType(f, t))) {
        report.reportOn(
            Message.BREAKER_FAIL_ON_SKIP_ON,
            method,
            breaker,
            "skipOn",
            Descriptions.simple(t),
            where);
      }
    }
    if (!report.isClean()) {
      return null;
    }
    return new Policies.Breaker(
        name, threshold, openFor, trials, ratio, window, typeNames(failOn), typeNames(skipOn));
  }

  private StepModel.Call fallback(
      ExecutableElement step,
      TypeElement agent,
      AnnotationMirror critical,
      String fallbackName,
      TypeMirror produced,
      boolean async,
      List<StepModel.Parameter> stepParameters,
      ValidationReport report) {
    List<ExecutableElement> candidates = methodsNamed(agent, fallbackName);
    if (candidates.isEmpty()) {
      report.reportOn(
          Message.FALLBACK_MISSING,
          step,
          critical,
          "fallback",
          fallbackName,
          describe(step),
          agent.getSimpleName(),
          Names.didYouMean(fallbackName, methodNames(agent, step)));
      return null;
    }
    // Several overloads may carry the name: use the first that fits, else explain the first.
    for (ExecutableElement candidate : candidates) {
      StepModel.Call call =
          fallbackCall(candidate, produced, async, stepParameters, step, null, null, report);
      if (call != null) {
        return call;
      }
    }
    fallbackCall(
        candidates.get(0), produced, async, stepParameters, step, critical, "fallback", report);
    return null;
  }

  /** The call to {@code candidate}; null if it does not fit (reported only when mirror given). */
  private StepModel.Call fallbackCall(
      ExecutableElement candidate,
      TypeMirror produced,
      boolean async,
      List<StepModel.Parameter> stepParameters,
      ExecutableElement step,
      AnnotationMirror mirror,
      String attribute,
      ValidationReport report) {
    boolean explain = mirror != null;
    String name = describe(candidate);
    String modifierProblem = modifierProblem(candidate);
    if (modifierProblem != null) {
      if (explain) {
        report.reportOn(
            Message.FALLBACK_INACCESSIBLE, step, mirror, attribute, name, modifierProblem);
      }
      return null;
    }
    TypeMirror returned = candidate.getReturnType();
    boolean returnsStage = false;
    String producedKey = keys.typeString(produced);
    if (context.isStage(returned)
        && context.stageArgument(returned) != null
        && keys.typeString(context.stageArgument(returned)).equals(producedKey)) {
      returnsStage = true;
    } else if (returned.getKind() == TypeKind.VOID
        || !keys.typeString(returned).equals(producedKey)) {
      if (explain) {
        report.reportOn(
            Message.FALLBACK_WRONG_RETURN,
            step,
            mirror,
            attribute,
            name,
            Descriptions.simple(returned),
            describe(step),
            Descriptions.simple(produced),
            Descriptions.simple(produced),
            async ? " or CompletionStage<" + Descriptions.simple(produced) + ">" : "");
      }
      return null;
    }
    if (returnsStage && !async) {
      if (explain) {
        report.reportOn(
            Message.FALLBACK_WRONG_RETURN,
            step,
            mirror,
            attribute,
            name,
            Descriptions.simple(returned),
            describe(step),
            Descriptions.simple(produced),
            Descriptions.simple(produced),
            "");
      }
      return null;
    }
    List<StepModel.Argument> arguments = new ArrayList<>();
    boolean[] used = new boolean[stepParameters.size()];
    for (VariableElement p : candidate.getParameters()) {
      if (ValidationContext.is(p.asType(), "java.lang.Throwable")) {
        arguments.add(new StepModel.Argument(StepModel.Argument.Kind.FAILURE, -1));
        continue;
      }
      int index = matchParameter(p, stepParameters, used, report);
      if (index < 0) {
        if (explain) {
          report.reportOn(
              Message.FALLBACK_WRONG_PARAMETER,
              step,
              mirror,
              attribute,
              name,
              p.getSimpleName(),
              Descriptions.simple(p.asType()),
              describe(step));
        }
        return null;
      }
      arguments.add(new StepModel.Argument(StepModel.Argument.Kind.PARAMETER, index));
    }
    return new StepModel.Call(
        candidate.getSimpleName().toString(), List.copyOf(arguments), returnsStage);
  }

  private StepModel.Call compensation(
      ExecutableElement step,
      TypeElement agent,
      AnnotationMirror compensate,
      TypeMirror produced,
      List<StepModel.Parameter> stepParameters,
      ValidationReport report) {
    String methodName = values.string(compensate, "value");
    List<ExecutableElement> candidates = methodsNamed(agent, methodName);
    if (candidates.isEmpty()) {
      report.reportOn(
          Message.COMPENSATION_MISSING,
          step,
          compensate,
          "value",
          methodName,
          describe(step),
          agent.getSimpleName(),
          Names.didYouMean(methodName, methodNames(agent, step)));
      return null;
    }
    for (ExecutableElement candidate : candidates) {
      StepModel.Call call =
          compensationCall(candidate, produced, stepParameters, step, null, report);
      if (call != null) {
        return call;
      }
    }
    compensationCall(candidates.get(0), produced, stepParameters, step, compensate, report);
    return null;
  }

  private StepModel.Call compensationCall(
      ExecutableElement candidate,
      TypeMirror produced,
      List<StepModel.Parameter> stepParameters,
      ExecutableElement step,
      AnnotationMirror mirror,
      ValidationReport report) {
    boolean explain = mirror != null;
    String name = describe(candidate);
    String modifierProblem = modifierProblem(candidate);
    if (modifierProblem != null) {
      if (explain) {
        report.reportOn(
            Message.COMPENSATION_INACCESSIBLE, step, mirror, "value", name, modifierProblem);
      }
      return null;
    }
    if (candidate.getReturnType().getKind() != TypeKind.VOID) {
      if (explain) {
        report.reportOn(
            Message.COMPENSATION_NOT_VOID,
            step,
            mirror,
            "value",
            name,
            Descriptions.simple(candidate.getReturnType()));
      }
      return null;
    }
    List<? extends VariableElement> params = candidate.getParameters();
    String producedType = Descriptions.simple(produced);
    if (params.isEmpty()
        || !keys.typeString(params.get(0).asType()).equals(keys.typeString(produced))) {
      if (explain) {
        String found =
            params.isEmpty()
                ? "it takes no parameter"
                : "its first parameter is " + Descriptions.simple(params.get(0).asType());
        report.reportOn(
            Message.COMPENSATION_WRONG_PARAMETERS,
            step,
            mirror,
            "value",
            name,
            producedType,
            found);
      }
      return null;
    }
    List<StepModel.Argument> arguments = new ArrayList<>();
    arguments.add(new StepModel.Argument(StepModel.Argument.Kind.OUTPUT, -1));
    boolean[] used = new boolean[stepParameters.size()];
    for (VariableElement p : params.subList(1, params.size())) {
      if (ValidationContext.is(p.asType(), RuntimeNames.STEP_CONTEXT)) {
        arguments.add(new StepModel.Argument(StepModel.Argument.Kind.CONTEXT, -1));
        continue;
      }
      int index = matchParameter(p, stepParameters, used, report);
      if (index < 0) {
        if (explain) {
          report.reportOn(
              Message.COMPENSATION_WRONG_PARAMETERS,
              step,
              mirror,
              "value",
              name,
              producedType,
              "parameter "
                  + p.getSimpleName()
                  + " of type "
                  + Descriptions.simple(p.asType())
                  + " is not a parameter of the step");
        }
        return null;
      }
      arguments.add(new StepModel.Argument(StepModel.Argument.Kind.PARAMETER, index));
    }
    return new StepModel.Call(candidate.getSimpleName().toString(), List.copyOf(arguments), false);
  }

  /** The index of the first unused step parameter with the same binding key, or -1. */
  private int matchParameter(
      VariableElement p,
      List<StepModel.Parameter> stepParameters,
      boolean[] used,
      ValidationReport report) {
    BindingKey key = keys.of(p.asType(), p, report);
    if (key == null) {
      return -1;
    }
    for (int i = 0; i < stepParameters.size(); i++) {
      StepModel.Parameter sp = stepParameters.get(i);
      if (!used[i] && !sp.context() && key.equals(sp.key())) {
        used[i] = true;
        return i;
      }
    }
    return -1;
  }

  private String modifierProblem(ExecutableElement method) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return "private";
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return "static";
    }
    if (!accessibility.isAccessibleMember(method)) {
      return "package-private or protected in a package other than " + accessibility.packageName();
    }
    return null;
  }

  private List<ExecutableElement> methodsNamed(TypeElement agent, String name) {
    List<ExecutableElement> out = new ArrayList<>();
    for (Element e : context.elements.getAllMembers(agent)) {
      if (e.getKind() == ElementKind.METHOD
          && e.getSimpleName().contentEquals(name)
          && !((TypeElement) e.getEnclosingElement())
              .getQualifiedName()
              .contentEquals("java.lang.Object")) {
        out.add((ExecutableElement) e);
      }
    }
    return out;
  }

  private TreeSet<String> methodNames(TypeElement agent, ExecutableElement except) {
    TreeSet<String> names = new TreeSet<>();
    for (Element e : context.elements.getAllMembers(agent)) {
      if (e.getKind() == ElementKind.METHOD
          && !e.equals(except)
          && !((TypeElement) e.getEnclosingElement())
              .getQualifiedName()
              .contentEquals("java.lang.Object")) {
        names.add(e.getSimpleName().toString());
      }
    }
    return names;
  }

  private static List<TypeName> typeNames(List<TypeMirror> types) {
    List<TypeName> out = new ArrayList<>();
    for (TypeMirror t : types) {
      out.add(TypeName.get(t));
    }
    return List.copyOf(out);
  }
}
