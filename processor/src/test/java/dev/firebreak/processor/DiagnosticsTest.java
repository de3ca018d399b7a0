package dev.firebreak.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.processor.base.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One negative compile test per diagnostic of the message catalogue: each case compiles a small
 * workflow that is wrong in exactly one way and asserts the diagnostic's full text, its kind and
 * the line it is reported on; an error case also asserts that nothing was generated.
 */
class DiagnosticsTest {
  private static final String IMPORTS =
      "import dev.firebreak.annotations.*; import dev.firebreak.runtime.*; import jakarta.inject.*;"
          + " import java.io.IOException; import java.util.*; import java.util.concurrent.CompletionStage;";

  /** A diagnostic the processor must report for {@code lines} (file {@code test/W.java}). */
  record Case(
      String id, boolean error, String message, String line, String[] lines, String[] other) {
    @Override
    public String toString() {
      return id;
    }
  }

  private static Case error(String id, String message, String line, String... lines) {
    return new Case(id, true, message, line, lines, null);
  }

  private static Case warning(String id, String message, String line, String... lines) {
    return new Case(id, false, message, line, lines, null);
  }

  /** A case with a second file {@code other/Agent.java} in another package. */
  private static Case errorWithAgentElsewhere(
      String id, String message, String line, String[] agent, String... lines) {
    return new Case(id, true, message, line, lines, agent);
  }

  static Stream<Case> cases() {
    return Stream.of(
        // --- the workflow and its agents
        error(
            "WorkflowNotInterface",
            "@Workflow must annotate an interface, but test.W is a class",
            "abstract class W",
            "@Workflow(agents = W.A.class)",
            "abstract class W {",
            "  static class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "WorkflowNoAgents",
            "@Workflow test.W lists no agents: name the agent classes in agents = {...}",
            "agents = {}",
            "@Workflow(agents = {})",
            "interface W { String run(Integer i); }"),
        error(
            "DuplicateAgent",
            "agent test.W.A is listed twice in @Workflow W",
            "W.A.class, W.A.class",
            "@Workflow(agents = {W.A.class, W.A.class})",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "WorkflowNoEntryPoint",
            "@Workflow test.W declares no abstract method: add an entry point such as `Output run(Input input)`",
            "interface W {",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  default String run(Integer i) { return \"\"; }",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "WorkflowNotAccessible",
            "@Workflow test.W.Flow must not be private: the generated FirebreakW_Flow implements it",
            "private interface Flow",
            "final class W {",
            "  @Workflow(agents = A.class)",
            "  private interface Flow { String run(Integer i); }",
            "  static class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "AgentNotClass",
            "agent test.W.Kind must be a class or interface, not an enum",
            "agents = W.Kind.class",
            "@Workflow(agents = W.Kind.class)",
            "interface W {",
            "  String run(Integer i);",
            "  enum Kind { A }",
            "}"),
        error(
            "AgentNotAccessible",
            "agent test.W.A is not accessible from package test, where the orchestrator is generated: make it public, or move it into that package",
            "agents = A.class",
            "final class W {",
            "  @Workflow(agents = A.class)",
            "  interface Flow { String run(Integer i); }",
            "  private static class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "AgentNoSteps",
            "agent test.W.B has no @Step method: annotate its step methods with @Step or remove it from agents",
            "agents = {W.A.class, W.B.class}",
            "@Workflow(agents = {W.A.class, W.B.class})",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "  class B { public String helper() { return \"\"; } }",
            "}"),
        error(
            "AgentGeneric",
            "agent test.W.A must not declare type parameters: the orchestrator calls it through one concrete type; list a concrete subclass instead",
            "agents = W.A.class",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A<T> { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "StepSharedByAgents",
            "step Base.s(Integer) is a member of both agents test.W.Base and test.W.Child: list only one of them in agents",
            "agents = {W.Base.class, W.Child.class}",
            "@Workflow(agents = {W.Base.class, W.Child.class})",
            "interface W {",
            "  String run(Integer i);",
            "  class Base { @Step public String s(Integer i) { return \"\"; } }",
            "  class Child extends Base { @Step public Long t(Integer i) { return 1L; } }",
            "}"),
        // --- entry points
        error(
            "EntryPointVoid",
            "entry point W.run(Integer) returns void: it must return the workflow's output T, WorkflowResult<T>, CompletionStage<T> or CompletionStage<WorkflowResult<T>>",
            "void run(Integer i)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  void run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "EntryPointGeneric",
            "entry point W.run(T) must not declare type parameters: the graph is resolved from concrete types at compile time",
            "<T> String run",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  <T> String run(T i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "EntryPointOverloaded",
            "entry point W.run(Long) is overloaded: give each entry point of a workflow its own name",
            "String run(Long l)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  String run(Long l);",
            "  class A { @Step public String s(Integer i) { return \"\"; } @Step public Integer t(Long l) { return 1; } }",
            "}"),
        error(
            "EntryPointRawType",
            "entry point W.run(Integer) returns the raw type CompletionStage: give it a type argument",
            "CompletionStage run",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  @SuppressWarnings(\"rawtypes\") CompletionStage run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "RunIdNotString",
            "@RunId parameter id must be a String, not Long",
            "@RunId Long id",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(@RunId Long id, Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "RunIdTwice",
            "entry point W.run(String, String, Integer) has more than one @RunId parameter",
            "@RunId String b",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(@RunId String a, @RunId String b, Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "EntryPointStepContext",
            "entry point parameter context: StepContext is supplied to steps by the runtime and cannot be an input",
            "StepContext context",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(StepContext context, Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "DuplicateInput",
            "entry point W.run(Integer, Integer) takes java.lang.Integer twice: give one of them a qualifier such as @Named(\"...\")",
            "Integer b",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer a, Integer b);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        // --- step shape
        error(
            "StepPrivate",
            "@Step method A.s(Integer) must not be private: the generated orchestrator calls it",
            "private String s",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step private String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "StepStatic",
            "@Step method A.s(Integer) must not be static: steps are called on the agent instance",
            "static String s",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public static String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "StepGeneric",
            "@Step method A.s(T) must not declare type parameters: dependencies are resolved from concrete types",
            "<T> String s",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public <T> String s(T i) { return \"\"; } }",
            "}"),
        error(
            "StepVoid",
            "@Step method A.s(Integer) returns void: a step must produce a value that later steps or the entry point consume (use `after` for ordering only)",
            "void s(Integer i)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public void s(Integer i) {} @Step public String t(Integer i) { return \"\"; } }",
            "}"),
        error(
            "StepWildcardStage",
            "@Step method A.s(Integer) returns CompletionStage<? extends Number>: declare the stage's type argument exactly (CompletionStage<T>, not CompletionStage<? extends T>), so that the step produces one type",
            "CompletionStage<? extends Number> s",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  Number run(Integer i);",
            "  class A {",
            "    @Step public java.util.concurrent.CompletionStage<? extends Number> s(Integer i) {",
            "      return null;",
            "    }",
            "  }",
            "}"),
        error(
            "StepRawType",
            "@Step method A.s(Integer) returns the raw type CompletionStage: give it a type argument",
            "CompletionStage s",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @SuppressWarnings(\"rawtypes\") @Step public CompletionStage s(Integer i) { return null; } }",
            "}"),
        errorWithAgentElsewhere(
            "StepNotAccessible",
            "@Step method Agent.s(Integer) is not accessible from package test, where the orchestrator is generated: make it public",
            "String s(Integer i)",
            new String[] {
              "package other;",
              "import dev.firebreak.annotations.*;",
              "public class Agent {",
              "  @Step String s(Integer i) { return \"\"; }",
              "}"
            },
            "@Workflow(agents = other.Agent.class)",
            "interface W { String run(Integer i); }"),
        error(
            "MultipleQualifiers",
            "A.s(Integer) carries more than one qualifier (@jakarta.inject.Named(\"x\"), @test.W.Fast): use at most one",
            "@Named(\"x\") @Fast",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  @Qualifier @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME) @interface Fast {}",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Named(\"x\") @Fast public String s(Integer i) { return \"\"; }",
            "    @Step public String t(Integer i) { return \"\"; }",
            "  }",
            "}"),
        error(
            "DuplicateStepName",
            "step name 'parse' is used by both A.s(Integer) and B.t(Integer): give one of them @Step(name = \"...\")",
            "@Step(name = \"parse\") public Long t",
            "@Workflow(agents = {W.A.class, W.B.class})",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step(name = \"parse\") public String s(Integer i) { return \"\"; } }",
            "  class B { @Step(name = \"parse\") public Long t(Integer i) { return 1L; } }",
            "}"),
        error(
            "StepBlankName",
            "@Step(name = \" \") is blank: omit it to use the method name, or give a name",
            "name = \" \"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step(name = \" \") public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "PolicyWithoutStep",
            "@Retry on A.helper(Integer) has no effect without @Step: add @Step or remove @Retry",
            "@Retry public String helper",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step public String s(Integer i) { return \"\"; }",
            "    @Retry public String helper(Integer i) { return \"\"; }",
            "  }",
            "}"),
        // --- the graph
        error(
            "MissingBinding",
            "parameter amount of step A.s(Integer, Double) has no producer for java.lang.Double. Available bindings: java.lang.Integer, java.lang.String. To provide it, take it as a parameter of an entry point of W, or add a @Step method that returns Double.",
            "Double amount",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public String s(Integer i, Double amount) { return \"\"; } }",
            "}"),
        error(
            "DuplicateBinding",
            "java.lang.String is produced twice, by step A.s(Integer) and by step A.t(Integer): give one of them a qualifier such as @Named(\"...\") on the method and on the consuming parameters",
            "public String t",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } @Step public String t(Integer i) { return \"\"; } }",
            "}"),
        error(
            "NullIntoPrimitive",
            "parameter n of step A.t(int) is the primitive int, but step s may yield null (it is non-critical without a fallback or orElse, and degrades to null): declare it Integer, or make s critical or give it a fallback or an orElse",
            "int n",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  Long run(String in);",
            "  class A {",
            "    @Step @Critical(false) public Integer s(String in) { return 1; }",
            "    @Step public Long t(",
            "        int n) { return 1L; }",
            "  }",
            "}"),
        error(
            "DependencyCycle",
            "steps form a cycle: a -[Long]-> b -[Short]-> a",
            "public Long a(Short s)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step public Long a(Short s) { return 1L; }",
            "    @Step public Short b(Long l) { return 1; }",
            "    @Step public String c(Long l, Integer i) { return \"\"; }",
            "  }",
            "}"),
        error(
            "DependencyCycle",
            "steps form a cycle: book -[W.Booking]-> send -[after]-> book",
            "public Booking book(Integer i)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  record Booking(String id) {}",
            "  String run(Integer i);",
            "  class A {",
            "    @Step(after = \"send\")",
            "    public Booking book(Integer i) { return null; }",
            "    @Step public String send(Booking b) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OutputNotProduced",
            "entry point W.run(Integer) returns java.lang.Long, but no step produces it. Available bindings: java.lang.Integer, java.lang.String",
            "Long run(Integer i)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  Long run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        error(
            "UnknownAfter",
            "@Step(after = \"auditt\") on A.post(Integer) names no step of workflow W; did you mean 'audit'?",
            "after = \"auditt\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step public Long audit(Integer i) { return 1L; }",
            "    @Step(after = \"auditt\") public String post(Integer i) { return \"\"; }",
            "  }",
            "}"),
        error(
            "UnknownAfter",
            "@Step(after = \"ledger\") on A.post(Integer) names no step of workflow W; its steps are audit, post",
            "after = \"ledger\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step public Long audit(Integer i) { return 1L; }",
            "    @Step(after = \"ledger\") public String post(Integer i) { return \"\"; }",
            "  }",
            "}"),
        error(
            "AfterSelf",
            "@Step(after = \"post\") on A.post(Integer) names the step itself",
            "after = \"post\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step(after = \"post\") public String post(Integer i) { return \"\"; } }",
            "}"),
        // --- retry
        error(
            "RetryMaxAttempts",
            "@Retry(maxAttempts = 0) on A.s(Integer) is out of bounds: attempts (the first included) must be within 1..100; unbounded retries hammer a failing service",
            "maxAttempts = 0",
            step("@Retry(maxAttempts = 0)")),
        error(
            "RetryMultiplier",
            "@Retry(multiplier = 0.5) on A.s(Integer) must be within 1.0..100.0",
            "multiplier = 0.5",
            step("@Retry(multiplier = 0.5)")),
        error(
            "RetryJitter",
            "@Retry(jitter = 1.5) on A.s(Integer) must be within 0.0..1.0",
            "jitter = 1.5",
            step("@Retry(jitter = 1.5)")),
        error(
            "RetryDelayExceedsMaxDelay",
            "@Retry on A.s(Integer) has delay 2m greater than maxDelay 1m",
            "delay = \"2m\"",
            step("@Retry(delay = \"2m\", maxDelay = \"1m\")")),
        error(
            "RetryOnAndAbortOn",
            "IOException is listed both in retryOn and abortOn of @Retry on A.s(Integer)",
            "abortOn = IOException.class",
            step("@Retry(retryOn = IOException.class, abortOn = IOException.class)")),
        error(
            "RetryOnEmpty",
            "@Retry(retryOn = {}) on A.s(Integer) retries nothing: list the exceptions to retry, or remove @Retry",
            "retryOn = {}",
            step("@Retry(retryOn = {})")),
        // --- durations
        error(
            "MalformedDuration",
            "@Timeout(value) = \"soon\" on A.s(Integer) is not a duration: write e.g. \"250ms\", \"30s\", \"5m\", \"1h\", \"2d\" or ISO-8601 \"PT30S\"",
            "@Timeout(\"soon\")",
            step("@Timeout(\"soon\")")),
        error(
            "NonPositiveDuration",
            "@Timeout(value) = \"0s\" on A.s(Integer) must be greater than zero",
            "@Timeout(\"0s\")",
            step("@Timeout(\"0s\")")),
        error(
            "NegativeDuration",
            "@Retry(delay) = \"-1s\" on A.s(Integer) must not be negative",
            "delay = \"-1s\"",
            step("@Retry(delay = \"-1s\")")),
        // --- circuit breakers
        error(
            "BreakerNameBlank",
            "@CircuitBreaker on A.s(Integer) needs a name: one breaker per external service, e.g. name = \"ocr-api\"",
            "name = \"\"",
            step("@CircuitBreaker(name = \"\")")),
        error(
            "BreakerThreshold",
            "@CircuitBreaker(failureThreshold = 0) on A.s(Integer) must be within 1..10000",
            "failureThreshold = 0",
            step("@CircuitBreaker(name = \"api\", failureThreshold = 0)")),
        error(
            "BreakerHalfOpenTrials",
            "@CircuitBreaker(halfOpenTrials = 0) on A.s(Integer) must be within 1..1000",
            "halfOpenTrials = 0",
            step("@CircuitBreaker(name = \"api\", halfOpenTrials = 0)")),
        error(
            "BreakerFailureRatio",
            "@CircuitBreaker(failureRatio = 1.5) on A.s(Integer) must be within 0.0..1.0 (0 turns rate-based opening off)",
            "failureRatio = 1.5",
            step("@CircuitBreaker(name = \"api\", failureRatio = 1.5)")),
        error(
            "BreakerWindow",
            "@CircuitBreaker(window = 65) on A.s(Integer) must be within 1..64",
            "window = 65",
            step("@CircuitBreaker(name = \"api\", failureRatio = 0.5, window = 65)")),
        error(
            "BreakerFailOnAndSkipOn",
            "IOException is listed both in failOn and skipOn of @CircuitBreaker on A.s(Integer)",
            "skipOn = IOException.class",
            step(
                "@CircuitBreaker(name = \"api\", failOn = IOException.class, skipOn = IOException.class)")),
        error(
            "BreakerConflict",
            "circuit breaker 'api' is configured differently on A.s(Integer, Long) (failureThreshold=5, openFor=PT30S, halfOpenTrials=1, failOn=[java.lang.Exception], skipOn=[]) and on A.t(Integer) (failureThreshold=3, openFor=PT30S, halfOpenTrials=1, failOn=[java.lang.Exception], skipOn=[]): every step naming one breaker must give it the same configuration",
            "failureThreshold = 3",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @CircuitBreaker(name = \"api\") public String s(Integer i, Long l) { return \"\"; }",
            "    @Step @CircuitBreaker(name = \"api\", failureThreshold = 3) public Long t(Integer i) { return 1L; }",
            "  }",
            "}"),
        // --- degradation
        error(
            "FallbackMissing",
            "fallback method 'sugest' for A.s(Integer) not found on A; did you mean 'suggest'?",
            "fallback = \"sugest\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, fallback = \"sugest\") public String s(Integer i) { return \"\"; }",
            "    public String suggest(Integer i) { return \"\"; }",
            "  }",
            "}"),
        error(
            "FallbackMissing",
            "fallback method 'cached' for A.s(Integer) not found on A; the methods it could name are suggest, toString",
            "fallback = \"cached\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, fallback = \"cached\") public String s(Integer i) { return \"\"; }",
            "    public String suggest(Integer i) { return \"\"; }",
            "    @Override public String toString() { return \"A\"; }",
            "  }",
            "}"),
        error(
            "FallbackInaccessible",
            "fallback method A.suggest(Integer) must not be private",
            "fallback = \"suggest\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(fallback = \"suggest\") public String s(Integer i) { return \"\"; }",
            "    private String suggest(Integer i) { return \"\"; }",
            "  }",
            "}"),
        error(
            "FallbackReturnType",
            "fallback method A.suggest(Integer) returns Integer, but step A.s(Integer) produces String: return String",
            "fallback = \"suggest\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(fallback = \"suggest\") public String s(Integer i) { return \"\"; }",
            "    public Integer suggest(Integer i) { return 1; }",
            "  }",
            "}"),
        error(
            "FallbackParameter",
            "fallback method A.suggest(Long): parameter l of type Long is neither a parameter of step A.s(Integer) nor Throwable",
            "fallback = \"suggest\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(fallback = \"suggest\") public String s(Integer i) { return \"\"; }",
            "    public String suggest(Long l) { return \"\"; }",
            "  }",
            "}"),
        error(
            "PrimitiveNonCritical",
            "non-critical step A.count(Integer) returns the primitive int, which has no neutral default: state one with orElse (e.g. orElse = \"0\"), name a fallback, return Integer, or make the step critical",
            "@Critical(false)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(false) public int count(Integer i) { return 1; }",
            "    @Step public String s(int count) { return \"\"; }",
            "  }",
            "}"),
        // --- orElse
        error(
            "OrElseNotParseable",
            "orElse \"abc\" of step A.score(Integer) is not an int (a whole number from -2147483648 to 2147483647)",
            "orElse = \"abc\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, orElse = \"abc\") public int score(Integer i) { return 1; }",
            "    @Step public String s(int score) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OrElseNotParseable",
            "orElse \"2026-13-01\" of step A.due(Integer) is not a LocalDate (ISO, e.g. 2026-01-31): Text '2026-13-01' could not be parsed: Invalid value for MonthOfYear (valid values 1 - 12): 13",
            "orElse = \"2026-13-01\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, orElse = \"2026-13-01\")",
            "    public java.time.LocalDate due(Integer i) { return null; }",
            "    @Step public String s(java.time.LocalDate due) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OrElseUnknownConstant",
            "orElse \"UNKOWN\" of step A.risk(Integer) is not a constant of test.W.Risk: did you mean UNKNOWN?",
            "orElse = \"UNKOWN\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  enum Risk { LOW, HIGH, UNKNOWN }",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, orElse = \"UNKOWN\") public Risk risk(Integer i) { return null; }",
            "    @Step public String s(Risk risk) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OrElseUnknownConstant",
            "orElse \"MEDIUM\" of step A.risk(Integer) is not a constant of test.W.Risk; its constants are LOW, HIGH, UNKNOWN",
            "orElse = \"MEDIUM\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  enum Risk { LOW, HIGH, UNKNOWN }",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, orElse = \"MEDIUM\") public Risk risk(Integer i) { return null; }",
            "    @Step public String s(Risk risk) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OrElseWithFallback",
            "step A.score(Integer) names both a fallback and an orElse default: keep one (a fallback computes the output, orElse states it)",
            "orElse = \"0\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step",
            "    @Critical(value = false, fallback = \"none\", orElse = \"0\")",
            "    public int score(Integer i) { return 1; }",
            "    public int none(Integer i) { return 0; }",
            "    @Step public String s(int score) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OrElseOnCritical",
            "step A.score(Integer) is critical, so its orElse default would never be used: add value = false to @Critical to make the step yield it",
            "orElse = \"0\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Critical(orElse = \"0\") public int score(Integer i) { return 1; }",
            "    @Step public String s(int score) { return \"\"; }",
            "  }",
            "}"),
        error(
            "OrElseNoConstantForm",
            "step A.out(Integer) returns test.W.Out, which has no constant form for orElse: name a fallback instead. The types with one: primitives and their boxes, String, enums, BigDecimal, BigInteger, Duration, UUID, and java.time's Instant, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, OffsetTime, ZonedDateTime, Year, YearMonth, MonthDay and Period",
            "orElse = \"none\"",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  record Out(String name) {}",
            "  Out run(Integer i);",
            "  class A {",
            "    @Step @Critical(value = false, orElse = \"none\") public Out out(Integer i) { return null; }",
            "  }",
            "}"),
        // --- compensation
        error(
            "CompensationMissing",
            "compensation method 'revers' for A.s(Integer) not found on A; did you mean 'reverse'?",
            "@Compensate(\"revers\")",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Compensate(\"revers\") public String s(Integer i) { return \"\"; }",
            "    public void reverse(String out) {}",
            "  }",
            "}"),
        error(
            "CompensationInaccessible",
            "compensation method A.reverse(String) must not be private",
            "@Compensate(\"reverse\")",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Compensate(\"reverse\") public String s(Integer i) { return \"\"; }",
            "    private void reverse(String out) {}",
            "  }",
            "}"),
        error(
            "CompensationParameters",
            "compensation method A.reverse(Integer) must take the step's output String as its first parameter, then any of the step's parameters and StepContext; its first parameter is Integer",
            "@Compensate(\"reverse\")",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Compensate(\"reverse\") public String s(Integer i) { return \"\"; }",
            "    public void reverse(Integer i) {}",
            "  }",
            "}"),
        error(
            "CompensationReturnType",
            "compensation method A.reverse(String) must return void, not String",
            "@Compensate(\"reverse\")",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A {",
            "    @Step @Compensate(\"reverse\") public String s(Integer i) { return \"\"; }",
            "    public String reverse(String out) { return out; }",
            "  }",
            "}"),
        // --- checkpoints
        error(
            "NotEncodable",
            "@Checkpointed step A.s(Integer) produces test.W.Out, which cannot be checkpointed: test.W.Out.socket is the class java.net.Socket, neither a record nor a supported value type.",
            "@Checkpointed",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  record Out(String name, java.net.Socket socket) {}",
            "  Out run(Integer i);",
            "  class A { @Step @Checkpointed public Out s(Integer i) { return null; } }",
            "}"),
        // --- remotable agents
        error(
            "RemoteNotEncodable",
            "step A.s(Socket) of @Remotable agent test.W.A cannot cross the bus: its parameter 'socket' is java.net.Socket, and java.net.Socket is the class java.net.Socket, neither a record nor a supported value type.",
            "s(java.net.Socket socket)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(java.net.Socket in);",
            "  @Remotable class A {",
            "    @Step public String s(java.net.Socket socket) { return \"\"; }",
            "  }",
            "}"),
        error(
            "RemoteNotEncodable",
            "step A.s(Integer, StepContext) of @Remotable agent test.W.A cannot cross the bus: its output is test.W.Out, and test.W.Out.socket is the class java.net.Socket, neither a record nor a supported value type.",
            "public Out s",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  record Out(String name, java.net.Socket socket) {}",
            "  Out run(Integer i);",
            "  @Remotable class A {",
            "    @Step public Out s(Integer i, StepContext context) { return null; }",
            "  }",
            "}"),
        // --- warnings
        warning(
            "UnusedStep",
            "step A.audit(Integer) is needed by no entry point of workflow W: nothing consumes java.lang.Long",
            "public Long audit",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } @Step public Long audit(Integer i) { return 1L; } }",
            "}"),
        warning(
            "InputsNotEncodable",
            "entry point W.run(URI) cannot be resumed by resumeAll() after a crash: its input java.net.URI is the class java.net.URI, neither a record nor a supported value type; such a run resumes only when the entry point is called again with its @RunId",
            "String run(java.net.URI uri)",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(java.net.URI uri);",
            "  class A { @Step @Checkpointed public String s(java.net.URI uri) { return \"\"; } }",
            "}"),
        warning(
            "UnusedInput",
            "input extra of entry point W.run(Integer, Long) is used by no step",
            "Long extra",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i, Long extra);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}"),
        warning(
            "AttemptsBeyondDeadline",
            "step A.s(Integer) may take 6s (3 attempts × timeout 1s + backoff 3s), beyond the workflow deadline 2s: later attempts will never run",
            "public String s",
            "@Workflow(agents = W.A.class, deadline = \"2s\")",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step @Timeout(\"1s\") @Retry(maxAttempts = 3, delay = \"1s\") public String s(Integer i) { return \"\"; } }",
            "}"));
  }

  /** A workflow with one step {@code A.s(Integer)} carrying {@code annotation}. */
  private static String[] step(String annotation) {
    return new String[] {
      "@Workflow(agents = W.A.class)",
      "interface W {",
      "  String run(Integer i);",
      "  class A { @Step " + annotation + " public String s(Integer i) { return \"\"; } }",
      "}"
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsTheDiagnosticOnItsLine(Case c) {
    List<String> lines = new ArrayList<>();
    lines.add(IMPORTS);
    lines.addAll(Arrays.asList(c.lines()));
    JavaFileObject src = Compiler.source("W", lines.toArray(new String[0]));
    JavaFileObject[] sources =
        c.other() == null
            ? new JavaFileObject[] {src}
            : new JavaFileObject[] {src, JavaFileObjects.forSourceLines("other.Agent", c.other())};
    Compilation compilation = Compiler.compile(sources);
    String expected = "[Firebreak/" + c.id() + "] " + c.message();
    JavaFileObject onFile =
        c.other() != null && Arrays.stream(c.other()).anyMatch(l -> l.contains(c.line()))
            ? sources[1]
            : src;
    if (c.error()) {
      assertThat(compilation).failed();
      assertThat(compilation)
          .hadErrorContaining(expected)
          .inFile(onFile)
          .onLineContaining(c.line());
      assertWithMessage("nothing is generated once there is an error")
          .that(generatedBy(sources))
          .isEmpty();
    } else {
      assertThat(compilation).succeeded();
      assertThat(compilation)
          .hadWarningContaining(expected)
          .inFile(onFile)
          .onLineContaining(c.line());
    }
  }

  /**
   * The files the processor writes for {@code sources}, compiled by javac into a scratch directory
   * (compile-testing hides generated files once a compilation has failed).
   */
  private static List<String> generatedBy(JavaFileObject[] sources) {
    try {
      java.nio.file.Path out = java.nio.file.Files.createTempDirectory("firebreak-gen");
      javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
      List<String> options =
          List.of(
              "-proc:only",
              "-s",
              out.toString(),
              "-d",
              out.toString(),
              "-classpath",
              System.getProperty("java.class.path"));
      javac.getTask(null, null, d -> {}, options, null, Arrays.asList(sources)).call();
      List<String> generated;
      try (Stream<java.nio.file.Path> files = java.nio.file.Files.walk(out)) {
        generated =
            files
                .filter(java.nio.file.Files::isRegularFile)
                .map(out::relativize)
                .map(Object::toString)
                .sorted()
                .collect(Collectors.toList());
      }
      try (Stream<java.nio.file.Path> files = java.nio.file.Files.walk(out)) {
        for (java.nio.file.Path p :
            files.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
          java.nio.file.Files.delete(p);
        }
      }
      return generated;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theScratchCompilationDoesGenerateForAValidWorkflow() {
    // Guards the check above: an empty list must mean "nothing generated", not "never ran".
    JavaFileObject valid =
        Compiler.source(
            "W",
            IMPORTS,
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step public String s(Integer i) { return \"\"; } }",
            "}");
    assertThat(generatedBy(new JavaFileObject[] {valid}))
        .containsExactly(
            "META-INF/firebreak/W.mmd",
            "META-INF/firebreak/orchestrators/test.FirebreakW",
            "test/FirebreakW.java");
  }

  @Test
  void everyDiagnosticInTheCatalogueHasACase() {
    Set<String> covered = cases().map(Case::id).collect(Collectors.toCollection(TreeSet::new));
    Set<String> catalogue = new TreeSet<>();
    for (Message m : Message.values()) {
      // An internal error is a processor bug; no valid or invalid input is meant to reach it.
      if (m != Message.INTERNAL_ERROR) {
        catalogue.add(m.id());
      }
    }
    assertThat(covered).containsExactlyElementsIn(catalogue);
    assertThat(covered.size()).isAtLeast(30);
  }
}
