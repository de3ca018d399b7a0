package dev.firebreak.runtime.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.NodeBreakers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Each node's breaker states in its store's {@link KeyValues}, under {@value #NAMESPACE} by node
 * id, as JSON ({@code {"at": ms, "states": {"ocr-api": "OPEN"}}}), so that a console on any node
 * shows every node's breakers. A node writes when a state changed, and at least every {@link
 * #REFRESH_MILLIS}, so that an old report tells of a node gone.
 */
public final class BreakerReports {
  public static final String NAMESPACE = "firebreak.breakers-by-node";
  static final long REFRESH_MILLIS = 60_000;
  private static final JsonFactory JSON = new JsonFactory();

  private final KeyValues values;
  private final String node;
  private SortedMap<String, CircuitBreakerState> last;
  private long lastAt = Long.MIN_VALUE;

  BreakerReports(KeyValues values, String node) {
    this.values = values;
    this.node = node;
  }

  /** Reports {@code states} at {@code now} unless the last report says the same and is fresh. */
  void publish(SortedMap<String, CircuitBreakerState> states, Instant now) {
    long at = now.toEpochMilli();
    if (states.equals(last) && at - lastAt < REFRESH_MILLIS) {
      return;
    }
    values.put(NAMESPACE, node, encode(states, at));
    last = new TreeMap<>(states);
    lastAt = at;
  }

  /** Takes this node's report away: it leaves. */
  void remove() {
    values.remove(NAMESPACE, node);
  }

  /**
   * Every node's breakers, by node id: {@code self}'s {@code states} as of {@code now}, the others'
   * last reports in {@code values} (none without values).
   */
  public static List<NodeBreakers> byNode(
      Optional<KeyValues> values,
      String self,
      Instant now,
      SortedMap<String, CircuitBreakerState> states) {
    List<NodeBreakers> nodes = new ArrayList<>();
    if (values.isPresent()) {
      for (NodeBreakers n : read(values.get())) {
        if (!n.node().equals(self)) {
          nodes.add(n);
        }
      }
    }
    nodes.add(new NodeBreakers(self, now, states));
    nodes.sort(java.util.Comparator.comparing(NodeBreakers::node));
    return List.copyOf(nodes);
  }

  /** Every node's last report, by node id; a report that cannot be read is left out. */
  public static List<NodeBreakers> read(KeyValues values) {
    List<NodeBreakers> reports = new ArrayList<>();
    for (String node : values.keys(NAMESPACE)) {
      Optional<byte[]> bytes = values.get(NAMESPACE, node);
      if (bytes.isPresent()) {
        decode(node, bytes.get()).ifPresent(reports::add);
      }
    }
    return reports;
  }

  static byte[] encode(SortedMap<String, CircuitBreakerState> states, long at) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("at", at);
      g.writeObjectFieldStart("states");
      for (var e : states.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue().name());
      }
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static Optional<NodeBreakers> decode(String node, byte[] bytes) {
    long at = -1;
    SortedMap<String, CircuitBreakerState> states = new TreeMap<>();
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("at") && value == JsonToken.VALUE_NUMBER_INT) {
          at = p.getLongValue();
        } else if (field.equals("states") && value == JsonToken.START_OBJECT) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            states.put(name, CircuitBreakerState.valueOf(p.getText()));
          }
        } else {
          p.skipChildren();
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // written by another release, or damaged: not this node's to fix
    }
    return at < 0
        ? Optional.empty()
        : Optional.of(new NodeBreakers(node, Instant.ofEpochMilli(at), states));
  }
}
