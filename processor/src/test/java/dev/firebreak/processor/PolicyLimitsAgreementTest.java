package dev.firebreak.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import dev.firebreak.annotations.PolicyLimits;
import dev.firebreak.processor.base.Message;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.graph.WorkflowGraph;
import dev.firebreak.runtime.internal.Overrides;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The processor and the runtime apply one set of policy limits and one duration grammar. For every
 * bounded element of {@code @Retry} and {@code @CircuitBreaker}, both accept the bounds {@link
 * PolicyLimits} states (and read them back unchanged) and both refuse the first value past each of
 * them. Both refuse the same malformed, negative and zero durations, and read the same duration
 * from a well-formed string. The processor's side is a compilation of step {@code A.s} carrying the
 * value; the runtime's is an override of that element, {@code firebreak.W.s.<policy>.<element>},
 * applied to the plan the processor generates for the step without it.
 */
class PolicyLimitsAgreementTest {
  private static final List<String> DURATIONS =
      List.of("delay", "maxDelay", "maxDuration", "openFor", "value");

  /** The plan of {@code W.run} as the processor generates it for the step with no setting. */
  private static EntryPointPlan valid;

  @BeforeAll
  static void compileTheValidStep() {
    valid = plan();
  }

  /**
   * A bounded element: {@code policy} as overrides name it ({@code retry}, {@code circuitBreaker}),
   * the bounds both sides must read, and the message the processor reports past them.
   */
  record Limit(String policy, String element, Number min, Number max, Message message) {
    /** The first value below {@link #min} and the first above {@link #max}. */
    List<Number> past() {
      if (min instanceof Integer) {
        return List.of(min.intValue() - 1, max.intValue() + 1);
      }
      return List.of(Math.nextDown(min.doubleValue()), Math.nextUp(max.doubleValue()));
    }
  }

  static final List<Limit> LIMITS =
      List.of(
          new Limit(
              "retry",
              "maxAttempts",
              PolicyLimits.RETRY_MAX_ATTEMPTS_MIN,
              PolicyLimits.RETRY_MAX_ATTEMPTS_MAX,
              Message.RETRY_MAX_ATTEMPTS),
          new Limit(
              "retry",
              "multiplier",
              PolicyLimits.RETRY_MULTIPLIER_MIN,
              PolicyLimits.RETRY_MULTIPLIER_MAX,
              Message.RETRY_MULTIPLIER),
          new Limit(
              "retry",
              "jitter",
              PolicyLimits.RETRY_JITTER_MIN,
              PolicyLimits.RETRY_JITTER_MAX,
              Message.RETRY_JITTER),
          new Limit(
              "circuitBreaker",
              "failureThreshold",
              PolicyLimits.BREAKER_FAILURE_THRESHOLD_MIN,
              PolicyLimits.BREAKER_FAILURE_THRESHOLD_MAX,
              Message.BREAKER_THRESHOLD),
          new Limit(
              "circuitBreaker",
              "halfOpenTrials",
              PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MIN,
              PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MAX,
              Message.BREAKER_HALF_OPEN_TRIALS),
          new Limit(
              "circuitBreaker",
              "failureRatio",
              PolicyLimits.BREAKER_FAILURE_RATIO_MIN,
              PolicyLimits.BREAKER_FAILURE_RATIO_MAX,
              Message.BREAKER_FAILURE_RATIO),
          new Limit(
              "circuitBreaker",
              "window",
              PolicyLimits.BREAKER_WINDOW_MIN,
              PolicyLimits.BREAKER_WINDOW_MAX,
              Message.BREAKER_WINDOW));

  /** One element set to one value, on the processor's side and the runtime's. */
  record Setting(String policy, String element, String value) {
    String annotation() {
      switch (policy) {
        case "retry":
          return "Retry";
        case "timeout":
          return "Timeout";
        default:
          return "CircuitBreaker";
      }
    }

    String key() {
      return "firebreak.W.s." + policy + "." + element;
    }

    /** The value as source: a duration is a string literal, a number as Java prints it. */
    String source() {
      return DURATIONS.contains(element) ? "\"" + value + "\"" : value;
    }

    /** What {@code step} holds for this element. */
    Object readFrom(StepDescriptor step) {
      RetryPolicy retry = step.retry();
      CircuitBreakerPolicy breaker = step.circuitBreaker();
      switch (element) {
        case "maxAttempts":
          return retry.maxAttempts();
        case "multiplier":
          return retry.multiplier();
        case "jitter":
          return retry.jitter();
        case "delay":
          return retry.delay();
        case "value":
          return step.timeout();
        case "failureThreshold":
          return breaker.failureThreshold();
        case "halfOpenTrials":
          return breaker.halfOpenTrials();
        case "failureRatio":
          return breaker.failureRatio();
        case "window":
          return breaker.window();
        case "openFor":
          return breaker.openFor();
        default:
          throw new IllegalArgumentException(element);
      }
    }

    @Override
    public String toString() {
      return policy + "." + element + " = " + value;
    }
  }

  static Stream<Setting> theBounds() {
    return LIMITS.stream()
        .flatMap(
            l ->
                Stream.of(l.min(), l.max())
                    .map(v -> new Setting(l.policy(), l.element(), v.toString())));
  }

  static Stream<Setting> pastTheBounds() {
    return LIMITS.stream()
        .flatMap(
            l -> l.past().stream().map(v -> new Setting(l.policy(), l.element(), v.toString())));
  }

  static Stream<Setting> malformedDurations() {
    return Stream.of(
        new Setting("timeout", "value", "soon"),
        new Setting("timeout", "value", "5 sec"),
        new Setting("timeout", "value", "1.5s"),
        new Setting("timeout", "value", "30"),
        new Setting("timeout", "value", "PT"),
        new Setting("retry", "delay", "1s1ms"),
        new Setting("circuitBreaker", "openFor", "P1X"));
  }

  /** Durations that are well-formed but not allowed where they are set. */
  static Stream<Setting> durationsOutOfRange() {
    return Stream.of(
        new Setting("timeout", "value", "0s"),
        new Setting("timeout", "value", "-1s"),
        new Setting("retry", "delay", "-1ms"),
        new Setting("retry", "delay", "-PT1S"),
        new Setting("retry", "maxDelay", "-1s"),
        new Setting("retry", "maxDelay", "0s"),
        new Setting("retry", "maxDuration", "0ms"),
        new Setting("retry", "maxDuration", "-5m"),
        new Setting("circuitBreaker", "openFor", "PT0S"),
        new Setting("circuitBreaker", "openFor", "-1h"));
  }

  static Stream<Setting> wellFormedDurations() {
    return Stream.of(
        new Setting("timeout", "value", "250ms"),
        new Setting("timeout", "value", "30s"),
        new Setting("timeout", "value", "5m"),
        new Setting("timeout", "value", "1h"),
        new Setting("timeout", "value", "2d"),
        new Setting("timeout", "value", "+5s"),
        new Setting("timeout", "value", " 3 s "),
        new Setting("timeout", "value", "PT30S"),
        new Setting("timeout", "value", "pt0.5s"),
        new Setting("timeout", "value", "P1DT2H"),
        new Setting("retry", "delay", "0ms"),
        new Setting("circuitBreaker", "openFor", "1m"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pastTheBounds")
  void bothRefuseTheFirstValuePastEachBound(Setting past) {
    Limit limit =
        LIMITS.stream().filter(l -> l.element().equals(past.element())).findFirst().orElseThrow();
    assertThat(compile(past))
        .hadErrorContaining(
            "[Firebreak/"
                + limit.message().id()
                + "] @"
                + past.annotation()
                + "("
                + past.element()
                + " = ");
    assertRuntimeRefuses(past);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedDurations")
  void bothRefuseTheSameMalformedDurations(Setting malformed) {
    assertThat(compile(malformed))
        .hadErrorContaining(
            "[Firebreak/"
                + Message.DURATION_MALFORMED.id()
                + "] @"
                + malformed.annotation()
                + "("
                + malformed.element()
                + ") = \""
                + malformed.value()
                + "\"");
    assertThat(assertRuntimeRefuses(malformed)).contains("is not a duration");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("durationsOutOfRange")
  void bothRefuseTheSameZeroAndNegativeDurations(Setting setting) {
    assertThat(compile(setting))
        .hadErrorContaining(
            "@"
                + setting.annotation()
                + "("
                + setting.element()
                + ") = \""
                + setting.value()
                + "\"");
    assertThat(assertRuntimeRefuses(setting)).doesNotContain("is not a duration");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wellFormedDurations")
  void bothReadTheSameWellFormedDurations(Setting setting) {
    StepDescriptor compiled = plan(setting).steps().get(0);
    StepDescriptor overridden = override(Map.of(setting.key(), setting.value()));
    assertWithMessage(setting.toString())
        .that(setting.readFrom(overridden))
        .isEqualTo(setting.readFrom(compiled));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("theBounds")
  void bothAcceptEachBoundAndReadItBack(Setting bound) {
    List<Setting> settings = new ArrayList<>(List.of(bound));
    if (bound.element().equals("window")) {
      // A breaker uses its window only when it opens on a failure ratio.
      settings.add(new Setting("circuitBreaker", "failureRatio", "0.5"));
    }
    StepDescriptor compiled = plan(settings.toArray(new Setting[0])).steps().get(0);
    Map<String, String> overrides = new LinkedHashMap<>();
    settings.forEach(s -> overrides.put(s.key(), s.value()));
    StepDescriptor overridden = override(overrides);
    assertThat(String.valueOf(bound.readFrom(compiled))).isEqualTo(bound.value());
    assertThat(String.valueOf(bound.readFrom(overridden))).isEqualTo(bound.value());
  }

  /**
   * Workflow {@code W} with step {@code A.s} under {@code @Retry}, {@code @Timeout("1s")} and
   * {@code @CircuitBreaker(name = "api")}, each element of {@code settings} added to its
   * annotation.
   */
  private static Compilation compile(Setting... settings) {
    Map<String, StringBuilder> annotations = new LinkedHashMap<>();
    annotations.put("Retry", new StringBuilder());
    annotations.put("Timeout", new StringBuilder());
    annotations.put("CircuitBreaker", new StringBuilder("name = \"api\""));
    for (Setting s : settings) {
      StringBuilder elements = annotations.get(s.annotation());
      elements.append(elements.length() == 0 ? "" : ", ").append(s.element() + " = " + s.source());
    }
    if (annotations.get("Timeout").length() == 0) {
      annotations.get("Timeout").append("value = \"1s\"");
    }
    StringBuilder policies = new StringBuilder();
    annotations.forEach((name, elements) -> policies.append("@" + name + "(" + elements + ") "));
    return Compiler.compile(
        Compiler.source(
            "W",
            "import dev.firebreak.annotations.*;",
            "@Workflow(agents = W.A.class)",
            "interface W {",
            "  String run(Integer i);",
            "  class A { @Step " + policies + "public String s(Integer i) { return \"\"; } }",
            "}"));
  }

  /** The plan of {@code W.run} the processor generates for the step with {@code settings}. */
  private static EntryPointPlan plan(Setting... settings) {
    Compilation valid = compile(settings);
    assertThat(valid).succeeded();
    try {
      WorkflowGraph graph =
          (WorkflowGraph)
              new GeneratedCodeRunsTest.InMemoryClassLoader(
                      valid.generatedFiles(), PolicyLimitsAgreementTest.class.getClassLoader())
                  .loadClass("test.FirebreakW")
                  .getField("GRAPH")
                  .get(null);
      return graph.entryPoint("run");
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** The step of the valid plan with {@code overrides} applied by the runtime's override parser. */
  private static StepDescriptor override(Map<String, String> overrides) {
    return new Overrides(overrides).apply(valid).steps().get(0);
  }

  /** Asserts that the override parser refuses {@code setting}, naming its key; returns why. */
  private static String assertRuntimeRefuses(Setting setting) {
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> override(Map.of(setting.key(), setting.value())),
            setting.toString());
    String prefix = "Firebreak override " + setting.key() + ": ";
    assertWithMessage(refused.getMessage()).that(refused.getMessage().startsWith(prefix)).isTrue();
    return refused.getMessage().substring(prefix.length());
  }
}
