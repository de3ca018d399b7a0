package dev.firebreak.processor.model;

import java.time.Duration;
import java.util.List;
import javax.lang.model.type.TypeMirror;

/** The validated policies of one step, ready to be written. */
public final class Policies {
  private Policies() {}

  /** {@code @Retry}, validated. {@code maxDuration} is null when unset. */
  public record Retry(
      int maxAttempts,
      Duration delay,
      double multiplier,
      Duration maxDelay,
      double jitter,
      List<TypeMirror> retryOn,
      List<TypeMirror> abortOn,
      Duration maxDuration) {}

  /** {@code @CircuitBreaker}, validated. */
  public record Breaker(
      String name,
      int failureThreshold,
      Duration openFor,
      int halfOpenTrials,
      double failureRatio,
      int window,
      List<TypeMirror> failOn,
      List<TypeMirror> skipOn) {

    /** Whether the breaker opens on a failure ratio rather than on consecutive failures. */
    public boolean rateBased() {
      return failureRatio > 0;
    }

    /** The configuration without the name, to compare two declarations of one breaker. */
    public String describe() {
      return "failureThreshold="
          + failureThreshold
          + ", openFor="
          + openFor
          + ", halfOpenTrials="
          + halfOpenTrials
          + (rateBased() ? ", failureRatio=" + failureRatio + ", window=" + window : "")
          + ", failOn="
          + failOn
          + ", skipOn="
          + skipOn;
    }
  }
}
