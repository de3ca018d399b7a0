package dev.firebreak.spring;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.FirebreakRuntime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code firebreak} health indicator reports, on either Boot line: DOWN while a circuit
 * breaker is open or the dead letters have piled up to {@code firebreak.health.max-dead-letters};
 * UP otherwise. Half-open breakers are recovering and count as up. Opt-in ({@code
 * management.health.firebreak.enabled=true}): an open breaker says a dependency is down, not that
 * this process should be restarted, so keep the indicator out of the liveness group.
 */
final class FirebreakHealth {
  /** The status and its details. */
  record Report(boolean up, Map<String, Object> details) {}

  private final FirebreakRuntime runtime;
  private final int maxDeadLetters;

  FirebreakHealth(FirebreakRuntime runtime, int maxDeadLetters) {
    this.runtime = runtime;
    this.maxDeadLetters = maxDeadLetters;
  }

  Report check() {
    List<String> open =
        runtime.circuitBreakers().entrySet().stream()
            .filter(e -> e.getValue() == CircuitBreakerState.OPEN)
            .map(Map.Entry::getKey)
            .toList();
    int deadLetters = runtime.deadLetters().size();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("openBreakers", open);
    details.put("deadLetters", deadLetters);
    details.put("maxDeadLetters", maxDeadLetters);
    details.put("inFlight", runtime.inFlightRuns());
    return new Report(open.isEmpty() && deadLetters < maxDeadLetters, details);
  }
}
