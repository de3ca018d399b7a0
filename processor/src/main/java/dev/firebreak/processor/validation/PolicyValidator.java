package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.annotations.PolicyLimits;
import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.Policies;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.type.TypeMirror;

/**
 * Validates a step's {@code @Retry}, {@code @Timeout} and {@code @CircuitBreaker}: each element
 * within {@link dev.firebreak.annotations.PolicyLimits}, durations well formed, and no exception
 * listed both to count and not to.
 */
final class PolicyValidator {
  private final ValidationContext context;
  private final AnnotationValues values;

  PolicyValidator(ValidationContext context) {
    this.context = context;
    this.values = context.values;
  }

  Policies.Retry retry(ExecutableElement method, ValidationReport step) {
    Optional<AnnotationMirror> found =
        AnnotationValues.find(method, StepValidator.ANNOTATIONS + "Retry");
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
        List.copyOf(retryOn),
        List.copyOf(abortOn),
        maxDuration);
  }

  Duration timeout(ExecutableElement method, ValidationReport report) {
    Optional<AnnotationMirror> found =
        AnnotationValues.find(method, StepValidator.ANNOTATIONS + "Timeout");
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

  Policies.Breaker breaker(ExecutableElement method, ValidationReport step) {
    Optional<AnnotationMirror> found =
        AnnotationValues.find(method, StepValidator.ANNOTATIONS + "CircuitBreaker");
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
        name, threshold, openFor, trials, ratio, window, List.copyOf(failOn), List.copyOf(skipOn));
  }
}
