package dev.firebreak.runtime.console;

import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.WorkflowStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * The runs list's filters as query parameters, read into a {@link RunQuery}: {@code status}
 * (repeatable), {@code workflow}, {@code entryPoint}, {@code retrying}, {@code parkedOn}, {@code
 * from} and {@code before} (an instant such as {@code 2026-12-01T10:00:00Z}, or a date, taken at
 * midnight UTC), {@code limit} and {@code after} (the previous page's {@code next}).
 */
final class RunFilters {
  /** The one workflow a console shows, which every query names; null for all. */
  private final String scope;

  RunFilters(String scope) {
    this.scope = scope;
  }

  RunQuery parse(Query q, int maxLimit) {
    EnumSet<WorkflowStatus> statuses = EnumSet.noneOf(WorkflowStatus.class);
    for (String s : q.all("status")) {
      statuses.add(status(s));
    }
    String workflow = q.one("workflow");
    String entryPoint = q.one("entryPoint");
    boolean retrying = q.flag("retrying");
    String parkedOn = q.one("parkedOn");
    Instant from = time(q.one("from"), "from");
    Instant before = time(q.one("before"), "before");
    int limit = q.number("limit", 1, maxLimit, 50);
    String after = q.one("after");
    if (scope != null) {
      if (workflow != null && !workflow.equals(scope)) {
        throw new ConsoleApi.Refused(400, "this console does not show workflow " + workflow);
      }
      workflow = scope; // through the index by workflow: no page holds another workflow's run
    }
    try {
      RunQuery query = RunQuery.all().limit(limit);
      if (!statuses.isEmpty()) {
        query = query.status(statuses.toArray(WorkflowStatus[]::new));
      }
      if (entryPoint != null) {
        if (workflow == null) {
          throw new ConsoleApi.Refused(400, "entryPoint is given together with its workflow");
        }
        query = query.entryPoint(workflow, entryPoint);
      } else if (workflow != null) {
        query = query.workflow(workflow);
      }
      if (retrying) {
        query = query.retrying();
      }
      if (parkedOn != null) {
        query = query.parkedOn(parkedOn);
      }
      if (from != null || before != null) {
        query = query.createdBetween(from, before);
      }
      if (after != null) {
        query = query.after(after);
      }
      return query;
    } catch (IllegalArgumentException e) {
      throw new ConsoleApi.Refused(400, e.getMessage());
    }
  }

  private static WorkflowStatus status(String name) {
    try {
      return WorkflowStatus.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new ConsoleApi.Refused(
          400, "status is one of " + Arrays.toString(WorkflowStatus.values()) + ", not " + name);
    }
  }

  private static Instant time(String text, String name) {
    if (text == null) {
      return null;
    }
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new ConsoleApi.Refused(
          400, name + " is an instant (2026-12-01T10:00:00Z) or a date (2026-12-01), not " + text);
    }
  }
}
