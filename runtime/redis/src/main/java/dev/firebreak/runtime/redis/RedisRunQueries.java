package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.store.Leases;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;

/**
 * The runs API on Redis: a page is read from the one sorted set of {@link RunIndex} that matches
 * the query's filters (several, one per status, merged, when it names several statuses), and only
 * the page's runs are read. Runs retrying or parked are read from their own set, which the script
 * filters by the query's other criteria.
 */
final class RedisRunQueries {
  private static final int FIELDS = 8;

  private final RedisStore store;
  private final UnifiedJedis redis;
  private final String ns;
  private final Leases leases;

  RedisRunQueries(RedisStore store, UnifiedJedis redis, String ns, Leases leases) {
    this.store = store;
    this.redis = redis;
    this.ns = ns;
    this.leases = leases;
  }

  /** Lists the runs of namespaces written before the runs API; once per namespace. */
  void migrate() {
    store.call(
        () ->
            redis.eval(
                bytes(RunIndex.MIGRATE),
                List.of(),
                List.of(bytes(ns), bytes(Long.toString(leases.now())))));
  }

  RunPage list(RunQuery query) {
    String max = "+";
    if (query.createdBefore() != null) {
      max = "(" + pad(query.createdBefore().toEpochMilli());
    }
    if (query.after() != null) {
      RunQuery.Cursor cursor = RunQuery.Cursor.decode(query.after());
      String after = "(" + pad(cursor.createdAt()) + ":" + cursor.runId();
      max = max.equals("+") || after.compareTo(max) < 0 ? after : max;
    }
    String min = query.createdFrom() == null ? "-" : "[" + pad(query.createdFrom().toEpochMilli());
    List<RunSummary> found = read(sets(query), max, min, query);
    if (found.size() > 1) {
      found.sort(
          Comparator.comparing((RunSummary r) -> r.createdAt().toEpochMilli())
              .thenComparing(r -> bytes(r.runId()), java.util.Arrays::compareUnsigned)
              .reversed());
    }
    return RunPage.of(found.subList(0, Math.min(found.size(), query.limit() + 1)), query.limit());
  }

  /**
   * Whether {@code query} reads a set of runs in flight (retrying, or parked on a breaker), which
   * holds runs of every workflow and status: the script then filters what it reads.
   */
  private static boolean readsNotes(RunQuery query) {
    return query.retryingNow() || query.parkedOn() != null;
  }

  /** The sets that hold the runs {@code query} selects, before their time range. */
  private List<String> sets(RunQuery query) {
    if (query.parkedOn() != null) {
      return List.of(ns + "idx:parked:" + query.parkedOn());
    }
    if (query.retryingNow()) {
      return List.of(ns + "idx:retrying");
    }
    String base =
        query.entryPoint() != null
            ? ns + "idx:e:" + query.workflow() + "#" + query.entryPoint()
            : query.workflow() != null ? ns + "idx:w:" + query.workflow() : null;
    if (query.statuses().isEmpty()) {
      return List.of(base != null ? base : ns + "idx:all");
    }
    List<String> sets = new ArrayList<>();
    for (WorkflowStatus s : query.statuses()) {
      sets.add(base != null ? base + ":s:" + s.name() : ns + "idx:s:" + s.name());
    }
    return sets;
  }

  /** Reads up to a page and one from each of {@code sets}, in one script: one moment's view. */
  private List<RunSummary> read(List<String> sets, String max, String min, RunQuery query) {
    boolean filtered = readsNotes(query);
    StringBuilder statuses = new StringBuilder();
    if (filtered && !query.statuses().isEmpty()) {
      statuses.append(',');
      query.statuses().forEach(st -> statuses.append(st.name()).append(','));
    }
    List<byte[]> args =
        List.of(
            bytes(ns),
            bytes(Long.toString(leases.now())),
            bytes(max),
            bytes(min),
            bytes(Integer.toString(query.limit() + 1)),
            bytes(query.data() ? "1" : "0"),
            bytes(filtered && query.workflow() != null ? query.workflow() : ""),
            bytes(filtered && query.entryPoint() != null ? query.entryPoint() : ""),
            bytes(statuses.toString()),
            bytes(filtered && query.retryingNow() ? "1" : "0"),
            bytes(query.parkedOn() != null ? query.parkedOn() : ""));
    List<byte[]> keys = sets.stream().map(RedisRunQueries::bytes).toList();
    Object reply = store.call(() -> redis.eval(bytes(RunIndex.LIST), keys, args));
    List<?> flat = (List<?>) reply;
    int width = 1 + FIELDS + (query.data() ? 2 : 0);
    List<RunSummary> runs = new ArrayList<>();
    for (int i = 0; i + width <= flat.size(); i += width) {
      String ended = text(flat.get(i + 5));
      runs.add(
          new RunSummary(
              text(flat.get(i)),
              text(flat.get(i + 1)),
              text(flat.get(i + 2)),
              WorkflowStatus.valueOf(text(flat.get(i + 3))),
              Instant.ofEpochMilli(millisOrZero(text(flat.get(i + 4)))),
              ended == null ? null : Instant.ofEpochMilli(Long.parseLong(ended)),
              text(flat.get(i + 6)),
              (int) millisOrZero(text(flat.get(i + 7))),
              text(flat.get(i + 8)),
              query.data() ? (byte[]) flat.get(i + 9) : null,
              query.data() ? (byte[]) flat.get(i + 10) : null));
    }
    return runs;
  }

  Optional<RunSummary> summary(String runId, boolean data) {
    byte[][] fields =
        data
            ? new byte[][] {
              bytes("workflow"), bytes("entry"), bytes("status"), bytes("created_at"),
              bytes("ended"), bytes("owner"), bytes("retrying"), bytes("parked_on"),
              bytes("inputs"), bytes("output")
            }
            : new byte[][] {
              bytes("workflow"), bytes("entry"), bytes("status"), bytes("created_at"),
              bytes("ended"), bytes("owner"), bytes("retrying"), bytes("parked_on")
            };
    List<byte[]> f = store.call(() -> redis.hmget(bytes(ns + "run:" + runId), fields));
    if (f.get(0) == null) {
      return Optional.empty();
    }
    String ended = text(f.get(4));
    String created = text(f.get(3));
    return Optional.of(
        new RunSummary(
            runId,
            text(f.get(0)),
            text(f.get(1)),
            WorkflowStatus.valueOf(text(f.get(2))),
            Instant.ofEpochMilli(created == null ? 0 : Long.parseLong(created)),
            ended == null ? null : Instant.ofEpochMilli(Long.parseLong(ended)),
            text(f.get(5)),
            (int) millisOrZero(text(f.get(6))),
            text(f.get(7)),
            data ? f.get(8) : null,
            data ? f.get(9) : null));
  }

  Map<WorkflowStatus, Long> count() {
    List<byte[]> args = new ArrayList<>(List.of(bytes(ns), bytes(Long.toString(leases.now()))));
    for (WorkflowStatus s : WorkflowStatus.values()) {
      args.add(bytes(s.name()));
    }
    List<?> counts = (List<?>) store.call(() -> redis.eval(bytes(RunIndex.COUNT), List.of(), args));
    Map<WorkflowStatus, Long> out = new EnumMap<>(WorkflowStatus.class);
    WorkflowStatus[] statuses = WorkflowStatus.values();
    for (int i = 0; i < statuses.length; i++) {
      long n = (Long) counts.get(i);
      if (n > 0) {
        out.put(statuses[i], n);
      }
    }
    return out;
  }

  /** A number field, 0 when absent. */
  private static long millisOrZero(String text) {
    return text == null ? 0 : Long.parseLong(text);
  }

  private static String pad(long millis) {
    return String.format(java.util.Locale.ROOT, "%013d", millis);
  }

  private static String text(Object o) {
    return o == null ? null : new String((byte[]) o, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
