package dev.firebreak.processor.base;

import static dev.firebreak.annotations.PolicyLimits.BREAKER_FAILURE_RATIO_MAX;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_FAILURE_RATIO_MIN;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_FAILURE_THRESHOLD_MAX;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_FAILURE_THRESHOLD_MIN;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MAX;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MIN;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_WINDOW_MAX;
import static dev.firebreak.annotations.PolicyLimits.BREAKER_WINDOW_MIN;
import static dev.firebreak.annotations.PolicyLimits.RETRY_JITTER_MAX;
import static dev.firebreak.annotations.PolicyLimits.RETRY_JITTER_MIN;
import static dev.firebreak.annotations.PolicyLimits.RETRY_MAX_ATTEMPTS_MAX;
import static dev.firebreak.annotations.PolicyLimits.RETRY_MAX_ATTEMPTS_MIN;
import static dev.firebreak.annotations.PolicyLimits.RETRY_MULTIPLIER_MAX;
import static dev.firebreak.annotations.PolicyLimits.RETRY_MULTIPLIER_MIN;

import javax.tools.Diagnostic.Kind;

/**
 * Every diagnostic the processor can report, with its stable id and format. The id (printed as
 * {@code [Firebreak/Id]}) never changes once released, so errors can be searched for in the docs.
 * The bounds a format prints come from {@link dev.firebreak.annotations.PolicyLimits}, the
 * constants the checks use.
 */
public enum Message {
  // Workflow declaration
  WORKFLOW_NOT_INTERFACE(
      "WorkflowNotInterface", "@Workflow must annotate an interface, but %s is a %s"),
  WORKFLOW_NO_AGENTS(
      "WorkflowNoAgents", "@Workflow %s lists no agents: name the agent classes in agents = {...}"),
  WORKFLOW_DUPLICATE_AGENT("DuplicateAgent", "agent %s is listed twice in @Workflow %s"),
  WORKFLOW_NO_ENTRY_POINT(
      "WorkflowNoEntryPoint",
      "@Workflow %s declares no abstract method: add an entry point such as `Output run(Input input)`"),
  WORKFLOW_NOT_ACCESSIBLE(
      "WorkflowNotAccessible", "@Workflow %s must not be private: the generated %s implements it"),
  AGENT_NOT_CLASS("AgentNotClass", "agent %s must be a class or interface, not %s"),
  AGENT_NOT_ACCESSIBLE(
      "AgentNotAccessible",
      "agent %s is not accessible from package %s, where the orchestrator is generated: make it public, or move it into that package"),
  AGENT_GENERIC(
      "AgentGeneric",
      "agent %s must not declare type parameters: the orchestrator calls it through one concrete type; list a concrete subclass instead"),
  STEP_SHARED_BY_AGENTS(
      "StepSharedByAgents",
      "step %s is a member of both agents %s and %s: list only one of them in agents"),
  AGENT_NO_STEPS(
      "AgentNoSteps",
      "agent %s has no @Step method: annotate its step methods with @Step or remove it from agents"),

  // Entry points
  ENTRY_POINT_VOID(
      "EntryPointVoid",
      "entry point %s returns void: it must return the workflow's output T, WorkflowResult<T>, CompletionStage<T> or CompletionStage<WorkflowResult<T>>"),
  ENTRY_POINT_GENERIC(
      "EntryPointGeneric",
      "entry point %s must not declare type parameters: the graph is resolved from concrete types at compile time"),
  ENTRY_POINT_OVERLOADED(
      "EntryPointOverloaded",
      "entry point %s is overloaded: give each entry point of a workflow its own name"),
  ENTRY_POINT_RAW_RESULT(
      "EntryPointRawType", "entry point %s returns the raw type %s: give it a type argument"),
  RUN_ID_NOT_STRING("RunIdNotString", "@RunId parameter %s must be a String, not %s"),
  RUN_ID_TWICE("RunIdTwice", "entry point %s has more than one @RunId parameter"),
  ENTRY_POINT_STEP_CONTEXT(
      "EntryPointStepContext",
      "entry point parameter %s: StepContext is supplied to steps by the runtime and cannot be an input"),
  DUPLICATE_INPUT(
      "DuplicateInput",
      "entry point %s takes %s twice: give one of them a qualifier such as @Named(\"...\")"),

  // Step shape
  STEP_PRIVATE(
      "StepPrivate", "@Step method %s must not be private: the generated orchestrator calls it"),
  STEP_STATIC(
      "StepStatic", "@Step method %s must not be static: steps are called on the agent instance"),
  STEP_GENERIC(
      "StepGeneric",
      "@Step method %s must not declare type parameters: dependencies are resolved from concrete types"),
  STEP_VOID(
      "StepVoid",
      "@Step method %s returns %s: a step must produce a value that later steps or the entry point consume (use `after` for ordering only)"),
  STEP_RAW_TYPE("StepRawType", "@Step method %s returns the raw type %s: give it a type argument"),
  STEP_WILDCARD_STAGE(
      "StepWildcardStage",
      "@Step method %s returns %s: declare the stage's type argument exactly (CompletionStage<T>, not CompletionStage<? extends T>), so that the step produces one type"),
  STEP_NOT_ACCESSIBLE(
      "StepNotAccessible",
      "@Step method %s is not accessible from package %s, where the orchestrator is generated: make it public"),
  STEP_MULTIPLE_QUALIFIERS(
      "MultipleQualifiers", "%s carries more than one qualifier (%s): use at most one"),
  STEP_DUPLICATE_NAME(
      "DuplicateStepName",
      "step name '%s' is used by both %s and %s: give one of them @Step(name = \"...\")"),
  STEP_BLANK_NAME(
      "StepBlankName",
      "@Step(name = \"%s\") is blank: omit it to use the method name, or give a name"),
  POLICY_WITHOUT_STEP(
      "PolicyWithoutStep", "@%s on %s has no effect without @Step: add @Step or remove @%s"),

  // Graph
  MISSING_BINDING("MissingBinding", "%s has no producer for %s%s. %s"),
  DUPLICATE_BINDING(
      "DuplicateBinding",
      "%s is produced twice, by %s and by %s: give one of them a qualifier such as @Named(\"...\") on the method and on the consuming parameters"),
  DEPENDENCY_CYCLE("DependencyCycle", "steps form a cycle: %s"),
  NULL_INTO_PRIMITIVE(
      "NullIntoPrimitive",
      "%s is the primitive %s, but step %s may yield null (%s): declare it %s, or %s"),
  OUTPUT_NOT_PRODUCED(
      "OutputNotProduced", "entry point %s returns %s, but no step produces it%s. %s"),
  UNKNOWN_AFTER("UnknownAfter", "@Step(after = \"%s\") on %s names no step of workflow %s%s"),
  AFTER_SELF("AfterSelf", "@Step(after = \"%s\") on %s names the step itself"),

  // @Retry
  RETRY_MAX_ATTEMPTS(
      "RetryMaxAttempts",
      "@Retry(maxAttempts = %d) on %s is out of bounds: attempts (the first included) must be within "
          + RETRY_MAX_ATTEMPTS_MIN
          + ".."
          + RETRY_MAX_ATTEMPTS_MAX
          + "; unbounded retries hammer a failing service"),
  RETRY_MULTIPLIER(
      "RetryMultiplier",
      "@Retry(multiplier = %s) on %s must be within "
          + RETRY_MULTIPLIER_MIN
          + ".."
          + RETRY_MULTIPLIER_MAX),
  RETRY_JITTER(
      "RetryJitter",
      "@Retry(jitter = %s) on %s must be within " + RETRY_JITTER_MIN + ".." + RETRY_JITTER_MAX),
  RETRY_DELAY_EXCEEDS_MAX(
      "RetryDelayExceedsMaxDelay", "@Retry on %s has delay %s greater than maxDelay %s"),
  RETRY_ON_ABORT_ON(
      "RetryOnAndAbortOn", "%s is listed both in retryOn and abortOn of @Retry on %s"),
  RETRY_ON_EMPTY(
      "RetryOnEmpty",
      "@Retry(retryOn = {}) on %s retries nothing: list the exceptions to retry, or remove @Retry"),

  // Durations (shared by every annotation)
  DURATION_MALFORMED(
      "MalformedDuration",
      "%s = \"%s\" on %s is not a duration: write e.g. \"250ms\", \"30s\", \"5m\", \"1h\", \"2d\" or ISO-8601 \"PT30S\""),
  DURATION_NOT_POSITIVE("NonPositiveDuration", "%s = \"%s\" on %s must be greater than zero"),
  DURATION_NEGATIVE("NegativeDuration", "%s = \"%s\" on %s must not be negative"),

  // @CircuitBreaker
  BREAKER_NAME_BLANK(
      "BreakerNameBlank",
      "@CircuitBreaker on %s needs a name: one breaker per external service, e.g. name = \"ocr-api\""),
  BREAKER_THRESHOLD(
      "BreakerThreshold",
      "@CircuitBreaker(failureThreshold = %d) on %s must be within "
          + BREAKER_FAILURE_THRESHOLD_MIN
          + ".."
          + BREAKER_FAILURE_THRESHOLD_MAX),
  BREAKER_HALF_OPEN_TRIALS(
      "BreakerHalfOpenTrials",
      "@CircuitBreaker(halfOpenTrials = %d) on %s must be within "
          + BREAKER_HALF_OPEN_TRIALS_MIN
          + ".."
          + BREAKER_HALF_OPEN_TRIALS_MAX),
  BREAKER_FAILURE_RATIO(
      "BreakerFailureRatio",
      "@CircuitBreaker(failureRatio = %s) on %s must be within "
          + BREAKER_FAILURE_RATIO_MIN
          + ".."
          + BREAKER_FAILURE_RATIO_MAX
          + " (0 turns rate-based opening off)"),
  BREAKER_WINDOW(
      "BreakerWindow",
      "@CircuitBreaker(window = %d) on %s must be within "
          + BREAKER_WINDOW_MIN
          + ".."
          + BREAKER_WINDOW_MAX),
  BREAKER_FAIL_ON_SKIP_ON(
      "BreakerFailOnAndSkipOn", "%s is listed both in failOn and skipOn of @CircuitBreaker on %s"),
  BREAKER_CONFLICT(
      "BreakerConflict",
      "circuit breaker '%s' is configured differently on %s (%s) and on %s (%s): every step naming one breaker must give it the same configuration"),

  // @Critical / fallback
  FALLBACK_MISSING("FallbackMissing", "fallback method '%s' for %s not found on %s%s"),
  FALLBACK_INACCESSIBLE("FallbackInaccessible", "fallback method %s must not be %s"),
  FALLBACK_WRONG_RETURN(
      "FallbackReturnType", "fallback method %s returns %s, but step %s produces %s: return %s%s"),
  FALLBACK_WRONG_PARAMETER(
      "FallbackParameter",
      "fallback method %s: parameter %s of type %s is neither a parameter of step %s nor Throwable"),
  OR_ELSE_ON_CRITICAL(
      "OrElseOnCritical",
      "step %s is critical, so its orElse default would never be used: add value = false to @Critical to make the step yield it"),

  OR_ELSE_WITH_FALLBACK(
      "OrElseWithFallback",
      "step %s names both a fallback and an orElse default: keep one (a fallback computes the output, orElse states it)"),

  OR_ELSE_NOT_PARSEABLE("OrElseNotParseable", "orElse \"%s\" of step %s is not %s%s"),

  OR_ELSE_UNKNOWN_CONSTANT(
      "OrElseUnknownConstant", "orElse \"%s\" of step %s is not a constant of %s%s"),

  OR_ELSE_NO_CONSTANT_FORM(
      "OrElseNoConstantForm",
      "step %s returns %s, which has no constant form for orElse: name a fallback instead. The types with one: %s"),

  PRIMITIVE_NON_CRITICAL(
      "PrimitiveNonCritical",
      "non-critical step %s returns the primitive %s, which has no neutral default: state one with orElse (e.g. orElse = \"0\"), name a fallback, return %s, or make the step critical"),

  // @Compensate
  COMPENSATION_MISSING("CompensationMissing", "compensation method '%s' for %s not found on %s%s"),
  COMPENSATION_INACCESSIBLE("CompensationInaccessible", "compensation method %s must not be %s"),
  COMPENSATION_WRONG_PARAMETERS(
      "CompensationParameters",
      "compensation method %s must take the step's output %s as its first parameter, then any of the step's parameters and StepContext; %s"),
  COMPENSATION_NOT_VOID(
      "CompensationReturnType", "compensation method %s must return void, not %s"),

  // @Checkpointed
  NOT_ENCODABLE(
      "NotEncodable",
      "@Checkpointed step %s produces %s, which cannot be checkpointed: %s is %s. Use records, enums, String, primitives and boxes, BigDecimal/BigInteger, java.time types, UUID, byte[], or List/Set/Map/Optional of those"),

  REMOTE_NOT_ENCODABLE(
      "RemoteNotEncodable",
      "step %s of @Remotable agent %s cannot cross the bus: its %s is %s, and %s is %s. Use records, enums, String, primitives and boxes, BigDecimal/BigInteger, java.time types, UUID, byte[], or List/Set/Map/Optional of those"),

  // Warnings
  INPUTS_NOT_ENCODABLE(
      Kind.WARNING,
      "InputsNotEncodable",
      "entry point %s cannot be resumed by resumeAll() after a crash: its input %s is %s; such a run resumes only when the entry point is called again with its @RunId"),
  UNUSED_STEP(
      Kind.WARNING,
      "UnusedStep",
      "step %s is needed by no entry point of workflow %s: nothing consumes %s"),
  UNUSED_INPUT(Kind.WARNING, "UnusedInput", "input %s of entry point %s is used by no step"),
  DEADLINE_EXCEEDED(
      Kind.WARNING,
      "AttemptsBeyondDeadline",
      "step %s may take %s (%d attempts × timeout %s%s), beyond the workflow deadline %s: later attempts will never run"),

  // Internal
  INTERNAL_ERROR(
      "InternalError", "Firebreak processor failed on %s; please report this with the trace: %s");

  private final Kind kind;
  private final String id;
  private final String format;

  /** An error: the build fails and nothing is generated for the workflow. */
  Message(String id, String format) {
    this(Kind.ERROR, id, format);
  }

  Message(Kind kind, String id, String format) {
    this.kind = kind;
    this.id = id;
    this.format = format;
  }

  /** The stable id, e.g. {@code DependencyCycle}. */
  public String id() {
    return id;
  }

  /** Whether the message is an error or a warning, as its constant declares. */
  public Kind kind() {
    return kind;
  }

  /** The text printed: {@code [Firebreak/Id] } followed by the formatted message. */
  public String format(Object... args) {
    return "[Firebreak/" + id + "] " + String.format(format, args);
  }
}
