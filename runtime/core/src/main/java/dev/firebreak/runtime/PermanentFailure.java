package dev.firebreak.runtime;

/**
 * A failure no retry can mend (an authentication refused, a request the service will never accept):
 * never retried, whatever the step's {@code retryOn} says. It still counts against the step's
 * circuit breaker, and the step's fallback still runs.
 */
public interface PermanentFailure {}
