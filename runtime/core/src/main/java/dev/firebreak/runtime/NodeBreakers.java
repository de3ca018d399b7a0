package dev.firebreak.runtime;

import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The circuit breakers of one node as it last reported them to its store: {@link
 * FirebreakRuntime#breakersByNode()}. A node reports with its heartbeat when a state changed, and
 * at least every minute; a report older than that is a node gone or out of reach.
 *
 * @param node the node's id in the store
 * @param reportedAt when it reported, by its clock
 * @param states each breaker it has used, by name, and its state there
 */
public record NodeBreakers(
    String node, Instant reportedAt, SortedMap<String, CircuitBreakerState> states) {
  public NodeBreakers {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(reportedAt, "reportedAt");
    states = Collections.unmodifiableSortedMap(new TreeMap<>(states));
  }
}
