package dev.firebreak.runtime.internal;

import dev.firebreak.annotations.Durations;
import dev.firebreak.annotations.PolicyLimits;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operations tuning without recompiling: keys {@code
 * firebreak.<Workflow>.<step>.<policy>.<element>} (the workflow interface's simple name, the step
 * name, {@code retry}, {@code timeout} or {@code circuitBreaker}) replace what the annotations say,
 * checked with the processor's rules when the workflow is bound: the bounds of {@link PolicyLimits}
 * and the grammar of {@link Durations}, which the processor reads too. A bad value fails start-up
 * with the key in the message.
 */
public final class Overrides {
  public static final String PREFIX = "firebreak.";

  private static final Map<String, Set<String>> ELEMENTS =
      Map.of(
          "retry",
              Set.of(
                  "enabled",
                  "maxAttempts",
                  "delay",
                  "multiplier",
                  "maxDelay",
                  "jitter",
                  "maxDuration"),
          "timeout", Set.of("value"),
          "circuitBreaker",
              Set.of(
                  "enabled",
                  "failureThreshold",
                  "openFor",
                  "halfOpenTrials",
                  "failureRatio",
                  "window"));

  private final Map<String, String> values;
  private final Set<String> used = ConcurrentHashMap.newKeySet();

  public Overrides(Map<String, String> values) {
    this.values = new TreeMap<>(values);
    for (String key : this.values.keySet()) {
      if (!key.startsWith(PREFIX) || key.substring(PREFIX.length()).split("\\.", -1).length != 4) {
        throw new IllegalArgumentException(
            "override "
                + key
                + " is not of the form firebreak.<Workflow>.<step>.<policy>.<element>");
      }
    }
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** Keys that named no step of a workflow bound so far. */
  public Set<String> unused() {
    Set<String> unused = new TreeSet<>(values.keySet());
    unused.removeAll(used);
    return unused;
  }

  /** {@code plan} with the overrides of its workflow applied. */
  public EntryPointPlan apply(EntryPointPlan plan) {
    if (values.isEmpty()) {
      return plan;
    }
    String workflow = plan.workflow().substring(plan.workflow().lastIndexOf('.') + 1);
    String prefix = PREFIX + workflow + ".";
    List<StepDescriptor> steps = new ArrayList<>(plan.steps().size());
    boolean changed = false;
    for (StepDescriptor step : plan.steps()) {
      Map<String, String> mine = new TreeMap<>();
      String stepPrefix = prefix + step.name() + ".";
      values.forEach(
          (k, v) -> {
            if (k.startsWith(stepPrefix)) {
              mine.put(k, v);
            }
          });
      if (mine.isEmpty()) {
        steps.add(step);
        continue;
      }
      steps.add(override(step, stepPrefix, mine));
      used.addAll(mine.keySet());
      changed = true;
    }
    if (!changed) {
      return plan;
    }
    return new EntryPointPlan(
        plan.workflow(),
        plan.name(),
        plan.inputs(),
        steps,
        plan.outputSlot(),
        plan.deadline(),
        plan.graphHash(),
        plan.inputCodecs(),
        plan.outputCodec(),
        plan.inputSlots(),
        plan.slotCount());
  }

  private static StepDescriptor override(
      StepDescriptor step, String prefix, Map<String, String> keys) {
    for (String key : keys.keySet()) {
      String[] parts = key.substring(prefix.length()).split("\\.");
      Set<String> elements = ELEMENTS.get(parts[0]);
      if (elements == null) {
        throw bad(
            key,
            "unknown policy '" + parts[0] + "': use one of " + new TreeSet<>(ELEMENTS.keySet()));
      }
      if (!elements.contains(parts[1])) {
        throw bad(
            key,
            "unknown element '"
                + parts[1]
                + "' of "
                + parts[0]
                + ": use one of "
                + new TreeSet<>(elements));
      }
    }
    RetryPolicy retry = step.retry();
    if (keys.keySet().stream().anyMatch(k -> k.startsWith(prefix + "retry."))) {
      retry =
          retry(
              step.retry() == RetryPolicy.NONE ? RetryPolicy.DEFAULTS : step.retry(),
              prefix + "retry.",
              keys);
    }
    Duration timeout = step.timeout();
    String timeoutKey = prefix + "timeout.value";
    if (keys.containsKey(timeoutKey)) {
      timeout = positive(timeoutKey, keys.get(timeoutKey));
    }
    CircuitBreakerPolicy breaker = step.circuitBreaker();
    if (keys.keySet().stream().anyMatch(k -> k.startsWith(prefix + "circuitBreaker."))) {
      breaker = breaker(step, prefix + "circuitBreaker.", keys);
    }
    return step.withPolicies(retry, timeout, breaker);
  }

  private static RetryPolicy retry(RetryPolicy base, String p, Map<String, String> keys) {
    if (keys.containsKey(p + "enabled") && !bool(p + "enabled", keys.get(p + "enabled"))) {
      return RetryPolicy.NONE;
    }
    int maxAttempts =
        keys.containsKey(p + "maxAttempts")
            ? integer(
                p + "maxAttempts",
                keys.get(p + "maxAttempts"),
                PolicyLimits.RETRY_MAX_ATTEMPTS_MIN,
                PolicyLimits.RETRY_MAX_ATTEMPTS_MAX)
            : base.maxAttempts();
    Duration delay =
        keys.containsKey(p + "delay")
            ? nonNegative(p + "delay", keys.get(p + "delay"))
            : base.delay();
    double multiplier =
        keys.containsKey(p + "multiplier")
            ? decimal(
                p + "multiplier",
                keys.get(p + "multiplier"),
                PolicyLimits.RETRY_MULTIPLIER_MIN,
                PolicyLimits.RETRY_MULTIPLIER_MAX)
            : base.multiplier();
    Duration maxDelay =
        keys.containsKey(p + "maxDelay")
            ? positive(p + "maxDelay", keys.get(p + "maxDelay"))
            : base.maxDelay();
    double jitter =
        keys.containsKey(p + "jitter")
            ? decimal(
                p + "jitter",
                keys.get(p + "jitter"),
                PolicyLimits.RETRY_JITTER_MIN,
                PolicyLimits.RETRY_JITTER_MAX)
            : base.jitter();
    Duration maxDuration =
        keys.containsKey(p + "maxDuration")
            ? positive(p + "maxDuration", keys.get(p + "maxDuration"))
            : base.maxDuration();
    if (delay.compareTo(maxDelay) > 0) {
      throw bad(p + "delay", "delay " + delay + " is greater than maxDelay " + maxDelay);
    }
    return new RetryPolicy(
        maxAttempts,
        delay,
        multiplier,
        maxDelay,
        jitter,
        base.retryOn(),
        base.abortOn(),
        maxDuration);
  }

  private static CircuitBreakerPolicy breaker(
      StepDescriptor step, String p, Map<String, String> keys) {
    if (keys.containsKey(p + "enabled") && !bool(p + "enabled", keys.get(p + "enabled"))) {
      return null;
    }
    CircuitBreakerPolicy base = step.circuitBreaker();
    if (base == null) {
      String key = keys.keySet().stream().filter(k -> k.startsWith(p)).findFirst().orElseThrow();
      throw bad(
          key,
          "step '"
              + step.name()
              + "' has no @CircuitBreaker; a breaker is named in code, not by an override");
    }
    int threshold =
        keys.containsKey(p + "failureThreshold")
            ? integer(
                p + "failureThreshold",
                keys.get(p + "failureThreshold"),
                PolicyLimits.BREAKER_FAILURE_THRESHOLD_MIN,
                PolicyLimits.BREAKER_FAILURE_THRESHOLD_MAX)
            : base.failureThreshold();
    Duration openFor =
        keys.containsKey(p + "openFor")
            ? positive(p + "openFor", keys.get(p + "openFor"))
            : base.openFor();
    int trials =
        keys.containsKey(p + "halfOpenTrials")
            ? integer(
                p + "halfOpenTrials",
                keys.get(p + "halfOpenTrials"),
                PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MIN,
                PolicyLimits.BREAKER_HALF_OPEN_TRIALS_MAX)
            : base.halfOpenTrials();
    double ratio =
        keys.containsKey(p + "failureRatio")
            ? decimal(
                p + "failureRatio",
                keys.get(p + "failureRatio"),
                PolicyLimits.BREAKER_FAILURE_RATIO_MIN,
                PolicyLimits.BREAKER_FAILURE_RATIO_MAX)
            : base.failureRatio();
    int window =
        keys.containsKey(p + "window")
            ? integer(
                p + "window",
                keys.get(p + "window"),
                PolicyLimits.BREAKER_WINDOW_MIN,
                PolicyLimits.BREAKER_WINDOW_MAX)
            : base.window();
    return new CircuitBreakerPolicy(
        base.name(), threshold, openFor, trials, ratio, window, base.failOn(), base.skipOn());
  }

  private static IllegalArgumentException bad(String key, String why) {
    return new IllegalArgumentException("Firebreak override " + key + ": " + why);
  }

  private static boolean bool(String key, String value) {
    switch (value.trim()) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw bad(key, "'" + value + "' is not true or false");
    }
  }

  private static int integer(String key, String value, int min, int max) {
    int v;
    try {
      v = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw bad(key, "'" + value + "' is not an integer");
    }
    if (v < min || v > max) {
      throw bad(key, v + " is outside " + min + ".." + max);
    }
    return v;
  }

  private static double decimal(String key, String value, double min, double max) {
    double v;
    try {
      v = Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw bad(key, "'" + value + "' is not a number");
    }
    if (!(v >= min && v <= max)) {
      throw bad(key, value.trim() + " is outside " + min + ".." + max);
    }
    return v;
  }

  private static Duration positive(String key, String value) {
    Duration d = duration(key, value);
    if (d.isZero() || d.isNegative()) {
      throw bad(key, "'" + value + "' must be greater than zero");
    }
    return d;
  }

  private static Duration nonNegative(String key, String value) {
    Duration d = duration(key, value);
    if (d.isNegative()) {
      throw bad(key, "'" + value + "' must not be negative");
    }
    return d;
  }

  /** {@code value} in the annotations' grammar ({@link Durations}); a malformed one is refused. */
  private static Duration duration(String key, String value) {
    return Durations.parse(value)
        .orElseThrow(
            () ->
                bad(
                    key,
                    "'"
                        + value
                        + "' is not a duration: write e.g. \"250ms\", \"30s\", \"5m\", \"1h\", \"2d\" or \"PT30S\""));
  }
}
