package dev.firebreak.spring;

import dev.firebreak.runtime.CircuitBreakerState;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.lang.Nullable;

/**
 * {@code /actuator/firebreak}: the runs of the store, this node's circuit breakers, and the dead
 * letters, for operators.
 *
 * <ul>
 *   <li>{@code GET /actuator/firebreak}: this node, its runs in flight, the store's runs by status,
 *       the breakers, the dead letters waiting;
 *   <li>{@code GET .../runs?status=FAILED,PARKED&workflow=W&limit=50&cursor=…}: a page of runs,
 *       newest first, and the cursor of the next; {@code GET .../runs/{runId}}: one run with its
 *       checkpoints, attempts, timeline and dead letter;
 *   <li>{@code GET .../breakers}, {@code GET .../breakers/{name}}; {@code POST .../breakers/{name}}
 *       with {@code {"state":"OPEN"}} or {@code "CLOSED"} forces one;
 *   <li>{@code GET .../dead-letters?limit=100} (oldest first), {@code GET
 *       .../dead-letters/{runId}}; {@code POST .../dead-letters/{runId}} with {@code
 *       {"action":"replay"}} replays the run; {@code DELETE .../dead-letters/{runId}} discards its
 *       letter.
 * </ul>
 *
 * A web endpoint, exposed like any other ({@code
 * management.endpoints.web.exposure.include=firebreak}); the writes change production behaviour, so
 * secure the actuator before exposing it.
 */
@WebEndpoint(id = "firebreak")
public class FirebreakEndpoint {
  static final String RUNS = "runs";
  static final String BREAKERS = "breakers";
  static final String DEAD_LETTERS = "dead-letters";

  private final FirebreakRuntime runtime;

  public FirebreakEndpoint(FirebreakRuntime runtime) {
    this.runtime = runtime;
  }

  @ReadOperation
  public Map<String, Object> overview() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("node", runtime.nodeId());
    view.put("inFlight", runtime.inFlightRuns());
    Map<String, Long> runs = new LinkedHashMap<>();
    runtime.runs().countByStatus().forEach((status, n) -> runs.put(status.name(), n));
    view.put(RUNS, runs);
    view.put(BREAKERS, breakers());
    view.put("deadLetters", runtime.deadLetters().size());
    return view;
  }

  @ReadOperation
  public Object section(
      @Selector String section,
      @Nullable String status,
      @Nullable String workflow,
      @Nullable String cursor,
      @Nullable Integer limit) {
    return switch (section) {
      case RUNS -> EndpointViews.page(runtime.runs().list(query(status, workflow, cursor, limit)));
      case BREAKERS -> breakers();
      case DEAD_LETTERS -> {
        List<DeadLetter> all = runtime.deadLetters().list();
        yield EndpointViews.letters(all.subList(0, Math.min(all.size(), size(limit, 100))));
      }
      default -> null;
    };
  }

  @ReadOperation
  public Object item(@Selector String section, @Selector String name) {
    return switch (section) {
      case RUNS -> runtime.runs().find(name).map(EndpointViews::details).orElse(null);
      case BREAKERS -> {
        CircuitBreakerState state = runtime.circuitBreakers().get(name);
        yield state == null ? null : breaker(name, state);
      }
      case DEAD_LETTERS -> runtime.deadLetters().find(name).map(EndpointViews::letter).orElse(null);
      default -> null;
    };
  }

  /**
   * Forces a breaker ({@code state}) or replays a dead-lettered run ({@code action=replay}); 404
   * for one this node does not know.
   */
  @WriteOperation
  public WebEndpointResponse<Object> change(
      @Selector String section,
      @Selector String name,
      @Nullable String state,
      @Nullable String action) {
    switch (section) {
      case BREAKERS -> {
        CircuitBreakerState to = breakerState(state);
        boolean known =
            to == CircuitBreakerState.OPEN ? runtime.forceOpen(name) : runtime.forceClosed(name);
        return known ? ok(breaker(name, runtime.circuitBreakers().get(name))) : notFound();
      }
      case DEAD_LETTERS -> {
        if (!"replay".equals(action)) {
          throw new InvalidEndpointRequestException(
              "a dead letter takes {\"action\":\"replay\"}; DELETE discards it", "bad action");
        }
        if (runtime.deadLetters().find(name).isEmpty()) {
          return notFound();
        }
        try {
          runtime.replay(name);
        } catch (IllegalStateException | IllegalArgumentException e) {
          throw new InvalidEndpointRequestException(e.getMessage(), "cannot replay");
        }
        return ok(Map.of("runId", name, "replay", "started"));
      }
      default -> {
        return notFound();
      }
    }
  }

  /** Discards a dead letter; 404 if there is none. */
  @DeleteOperation
  public WebEndpointResponse<Object> discard(@Selector String section, @Selector String name) {
    return DEAD_LETTERS.equals(section) && runtime.deadLetters().discard(name)
        ? ok(Map.of("runId", name, "discarded", true))
        : notFound();
  }

  private static WebEndpointResponse<Object> ok(Object body) {
    return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_OK);
  }

  private static WebEndpointResponse<Object> notFound() {
    return new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
  }

  private Map<String, Object> breakers() {
    Map<String, Object> view = new LinkedHashMap<>();
    runtime.circuitBreakers().forEach((name, state) -> view.put(name, breaker(name, state)));
    return view;
  }

  private Map<String, Object> breaker(String name, CircuitBreakerState state) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("state", state.name());
    view.put("parkedRuns", runtime.parkedRuns(name));
    return view;
  }

  private static CircuitBreakerState breakerState(String state) {
    if ("OPEN".equalsIgnoreCase(state)) {
      return CircuitBreakerState.OPEN;
    }
    if ("CLOSED".equalsIgnoreCase(state)) {
      return CircuitBreakerState.CLOSED;
    }
    throw new InvalidEndpointRequestException(
        "a breaker is forced with {\"state\":\"OPEN\"} or {\"state\":\"CLOSED\"}, not " + state,
        "bad state");
  }

  private static RunQuery query(String status, String workflow, String cursor, Integer limit) {
    RunQuery query = RunQuery.all().limit(size(limit, 50));
    try {
      if (status != null && !status.isBlank()) {
        query =
            query.status(
                java.util.Arrays.stream(status.split(","))
                    .map(s -> WorkflowStatus.valueOf(s.trim().toUpperCase(Locale.ROOT)))
                    .toArray(WorkflowStatus[]::new));
      }
      if (workflow != null && !workflow.isBlank()) {
        query = query.workflow(workflow);
      }
      if (cursor != null && !cursor.isBlank()) {
        query = query.after(cursor);
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidEndpointRequestException(e.getMessage(), "bad query");
    }
    return query;
  }

  private static int size(Integer limit, int byDefault) {
    if (limit == null) {
      return byDefault;
    }
    if (limit < 1 || limit > RunQuery.MAX_LIMIT) {
      throw new InvalidEndpointRequestException(
          "limit is 1 to " + RunQuery.MAX_LIMIT + ", not " + limit, "bad limit");
    }
    return limit;
  }
}
