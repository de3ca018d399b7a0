package dev.firebreak.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which runs to list, newest first (by creation time, then run id), a page at a time: every filter
 * is optional, and a page goes on from the cursor of the one before ({@link RunPage#nextCursor()}),
 * never from an offset, so runs created meanwhile neither repeat nor shift a page.
 *
 * <pre>{@code
 * RunPage page = runtime.runs().list(RunQuery.all().status(WorkflowStatus.FAILED).limit(20));
 * RunPage next = runtime.runs().list(query.after(page.nextCursor()));
 * }</pre>
 *
 * @param statuses the statuses to show; empty for all
 * @param workflow the workflow (its interface's qualified name); null for all
 * @param entryPoint the entry point of {@code workflow}; null for all
 * @param retryingNow only runs with a step being retried now ({@link RunSummary#retrying()})
 * @param parkedOn only runs parked on this circuit breaker; null for no such filter
 * @param createdFrom runs created at or after it; null for no bound
 * @param createdBefore runs created before it; null for no bound
 * @param limit runs per page, 1 to {@value #MAX_LIMIT}
 * @param after the cursor of the previous page; null for the first
 * @param data whether each run carries its stored inputs and output
 */
public record RunQuery(
    Set<WorkflowStatus> statuses,
    String workflow,
    String entryPoint,
    boolean retryingNow,
    String parkedOn,
    Instant createdFrom,
    Instant createdBefore,
    int limit,
    String after,
    boolean data) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1_000;

  /** Creation times are kept in 13 decimal digits of milliseconds: before 2286-11-20. */
  public static final Instant LATEST = Instant.ofEpochMilli(10_000_000_000_000L);

  public RunQuery {
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    if (entryPoint != null && workflow == null) {
      throw new IllegalArgumentException("an entry point is named together with its workflow");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
    }
    for (Instant bound : new Instant[] {createdFrom, createdBefore}) {
      if (bound != null && (bound.isBefore(Instant.EPOCH) || !bound.isBefore(LATEST))) {
        throw new IllegalArgumentException(
            "a creation time bound must be from 1970 to before " + LATEST + ": " + bound);
      }
    }
    if (createdFrom != null && createdBefore != null && !createdFrom.isBefore(createdBefore)) {
      throw new IllegalArgumentException(
          "createdFrom " + createdFrom + " is not before createdBefore " + createdBefore);
    }
    if (after != null) {
      Cursor.decode(after); // refuses a cursor that is not one
    }
  }

  /** Every run, {@value #DEFAULT_LIMIT} a page, without their data. */
  public static RunQuery all() {
    return new RunQuery(Set.of(), null, null, false, null, null, null, DEFAULT_LIMIT, null, false);
  }

  /** Only runs in one of {@code statuses}. */
  public RunQuery status(WorkflowStatus... statuses) {
    Set<WorkflowStatus> wanted = Set.of(statuses);
    return copy(q -> q.statuses = wanted);
  }

  /** Only runs of {@code workflow} (the qualified name of its interface). */
  public RunQuery workflow(String workflow) {
    Objects.requireNonNull(workflow, "workflow");
    return copy(
        q -> {
          q.workflow = workflow;
          q.entryPoint = null;
        });
  }

  /** Only runs of {@code entryPoint} of {@code workflow}. */
  public RunQuery entryPoint(String workflow, String entryPoint) {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(entryPoint, "entryPoint");
    return copy(
        q -> {
          q.workflow = workflow;
          q.entryPoint = entryPoint;
        });
  }

  /**
   * Only runs retrying a step now: a step attempted more than once that has neither succeeded nor
   * failed for good, as of the run's last write.
   */
  public RunQuery retrying() {
    return copy(q -> q.retryingNow = true);
  }

  /** Only runs parked on the circuit breaker named {@code breaker}. */
  public RunQuery parkedOn(String breaker) {
    Objects.requireNonNull(breaker, "breaker");
    return copy(q -> q.parkedOn = breaker);
  }

  /** Only runs created at or after {@code from} and before {@code before} (either may be null). */
  public RunQuery createdBetween(Instant from, Instant before) {
    return copy(
        q -> {
          q.createdFrom = from;
          q.createdBefore = before;
        });
  }

  /** {@code limit} runs a page at most. */
  public RunQuery limit(int limit) {
    return copy(q -> q.limit = limit);
  }

  /** The page after the one whose {@link RunPage#nextCursor()} is {@code cursor}. */
  public RunQuery after(String cursor) {
    return copy(q -> q.after = cursor);
  }

  /** Each run with its stored inputs and output ({@link RunSummary#inputsJson()}). */
  public RunQuery withData() {
    return copy(q -> q.data = true);
  }

  /** This query with {@code change} made to a copy of its fields; checked as any query is. */
  private RunQuery copy(Consumer<Fields> change) {
    Fields q = new Fields(this);
    change.accept(q);
    return new RunQuery(
        q.statuses,
        q.workflow,
        q.entryPoint,
        q.retryingNow,
        q.parkedOn,
        q.createdFrom,
        q.createdBefore,
        q.limit,
        q.after,
        q.data);
  }

  /** The components of a query being changed by one of its withers. */
  private static final class Fields {
    Set<WorkflowStatus> statuses;
    String workflow;
    String entryPoint;
    boolean retryingNow;
    String parkedOn;
    Instant createdFrom;
    Instant createdBefore;
    int limit;
    String after;
    boolean data;

    Fields(RunQuery q) {
      statuses = q.statuses;
      workflow = q.workflow;
      entryPoint = q.entryPoint;
      retryingNow = q.retryingNow;
      parkedOn = q.parkedOn;
      createdFrom = q.createdFrom;
      createdBefore = q.createdBefore;
      limit = q.limit;
      after = q.after;
      data = q.data;
    }
  }

  /** Where a page ends: its last run's creation time (epoch millis) and id, opaque to callers. */
  public record Cursor(long createdAt, String runId) {
    public Cursor {
      Objects.requireNonNull(runId, "runId");
    }

    /** The cursor that follows {@code run}. */
    public static String after(RunSummary run) {
      return new Cursor(run.createdAt().toEpochMilli(), run.runId()).encode();
    }

    public String encode() {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((createdAt + ":" + runId).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws IllegalArgumentException if {@code cursor} is not one this class encoded
     */
    public static Cursor decode(String cursor) {
      try {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        return new Cursor(Long.parseLong(text.substring(0, colon)), text.substring(colon + 1));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("not a run cursor: " + cursor, e);
      }
    }
  }
}
