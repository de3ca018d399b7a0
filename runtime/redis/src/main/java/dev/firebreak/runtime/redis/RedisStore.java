package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.store.Leases;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs, checkpoints and dead letters in Redis, through a Jedis client you own.
 *
 * <p>Every write is one Lua script, which Redis runs atomically: a step's output, its completion
 * order and the run's new version land together, and a second record of one step is refused. Keys
 * are namespaced ({@code firebreak:} by default): per run a hash {@code run:<id>}, the step outputs
 * {@code out:<id>}, attempt counts {@code att:<id>} and completion order {@code ord:<id>}; sorted
 * sets {@code open} (unfinished runs, oldest first) and {@code ended}; the dead letters in {@code
 * dlq} and {@code dlq:ord}, and the agent method that declares each letter's step in the hash
 * {@code dlq:by} (a letter stored without it reads as unknown). A finished run's keys expire after
 * {@code finishedTtl}. Nodes: the hash {@code nodes} (node id to the end of its heartbeat lease),
 * each node's unfinished runs in the sorted set {@code own:<node>}, runs handed back in {@code
 * free} (see {@link RedisScripts#CLAIM}). Values by key ({@link #keyValues()}): a hash {@code
 * kv:<namespace>} per namespace; they do not expire.
 *
 * <p>Durability is the server's: run Redis with {@code appendonly yes} and {@code appendfsync
 * always} for a write to be on disk when the call returns. The scripts build per-run keys from the
 * namespace, so the store needs a single Redis (or every key of a run in one hash slot).
 */
public final class RedisStore implements CheckpointStore {
  private final UnifiedJedis redis;
  private final String ns;
  private final long finishedTtlSeconds;
  private final DeadLetterQueue deadLetters = new RedisDeadLetters(this);
  private final Leases leases;
  private final RedisBreakerBoard breakers;
  private final RedisRunQueries queries;
  private final RedisNodes nodes = new RedisNodes(this);
  private final RedisKeyValues keyValues;

  private RedisStore(UnifiedJedis redis, String namespace, Duration finishedTtl, Leases leases) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.ns = Objects.requireNonNull(namespace, "namespace");
    this.finishedTtlSeconds = finishedTtl == null ? 0 : Math.max(1, finishedTtl.toSeconds());
    this.leases = Objects.requireNonNull(leases, "leases");
    this.breakers = new RedisBreakerBoard(this, redis, namespace);
    this.queries = new RedisRunQueries(this, redis, namespace, leases);
    this.keyValues = new RedisKeyValues(this, redis, namespace);
    eval(RedisScripts.MIGRATE_NODES, List.of(), claiming(List.of()));
    queries.migrate();
  }

  /**
   * A store on {@code redis} under keys starting with {@code namespace} (e.g. {@code
   * "firebreak:"}); finished runs expire after {@code finishedTtl} (null: kept until purged). The
   * node has a {@linkplain Leases#uniqueOwner() unique id} and the {@linkplain
   * Leases#DEFAULT_DURATION default lease}.
   */
  public static RedisStore open(UnifiedJedis redis, String namespace, Duration finishedTtl) {
    return new RedisStore(redis, namespace, finishedTtl, Leases.defaults());
  }

  /**
   * As {@link #open(UnifiedJedis, String, Duration)}, as the node {@code owner}, alive for {@code
   * lease} past each heartbeat on {@code clock}.
   */
  public static RedisStore open(
      UnifiedJedis redis,
      String namespace,
      Duration finishedTtl,
      String owner,
      Duration lease,
      Clock clock) {
    return new RedisStore(redis, namespace, finishedTtl, Leases.of(owner, lease, clock));
  }

  @Override
  public Duration leaseDuration() {
    return leases.duration();
  }

  @Override
  public String nodeId() {
    return leases.owner();
  }

  @Override
  public boolean heartbeat() {
    return nodes.heartbeat();
  }

  @Override
  public Set<String> confirm(Collection<String> runIds) {
    return nodes.confirm(runIds);
  }

  @Override
  public List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    return nodes.takeOver(entryPoints, max);
  }

  @Override
  public void leave() {
    nodes.leave();
  }

  /** The ARGV tail every claiming script reads: the namespace, this node's id, the time. */
  List<byte[]> claiming(List<byte[]> args) {
    List<byte[]> all = new ArrayList<>(args);
    all.add(bytes(ns));
    all.add(bytes(leases.owner()));
    all.add(bytes(Long.toString(leases.now())));
    return all;
  }

  /** The dead-letter queue kept in the same Redis, under the same namespace. */
  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  @Override
  public Optional<DeadLetterQueue> deadLetterQueue() {
    return Optional.of(deadLetters);
  }

  /** Pages of runs from the sets of {@link RunIndex}: only the page's runs are read. */
  @Override
  public RunPage listRuns(RunQuery query) {
    return queries.list(query);
  }

  @Override
  public Optional<RunSummary> summary(String runId, boolean data) {
    RunIds.check(runId);
    return queries.summary(runId, data);
  }

  @Override
  public Map<WorkflowStatus, Long> countRuns() {
    return queries.count();
  }

  /** This node's id, lease and clock, for the classes of this store. */
  Leases leases() {
    return leases;
  }

  /** The client, for the classes of this store that read and write beside it. */
  UnifiedJedis redis() {
    return redis;
  }

  /** Stops the breakers' subscription; the Redis client stays yours to close. */
  @Override
  public void close() {
    breakers.close();
  }

  /** The shared breakers: a hash per breaker, and pub/sub hints ({@link RedisBreakerBoard}). */
  @Override
  public Optional<BreakerBoard> breakerBoard() {
    return Optional.of(breakers);
  }

  /** Values by key: one hash {@code kv:<namespace>} per namespace, under this store's prefix. */
  @Override
  public Optional<KeyValues> keyValues() {
    return Optional.of(keyValues);
  }

  byte[] key(String name) {
    return bytes(ns + name);
  }

  private List<byte[]> runKeys(String runId) {
    return List.of(
        key("run:" + runId), key("out:" + runId), key("att:" + runId), key("ord:" + runId));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String string(Object o) {
    return o == null ? null : new String((byte[]) o, StandardCharsets.UTF_8);
  }

  /**
   * A call to Redis; a connection that cannot be made or was lost, or a server still loading its
   * data after a restart, is a {@link StoreUnavailableException}, which the runtime waits out.
   */
  <T> T call(java.util.function.Supplier<T> command) {
    try {
      return command.get();
    } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
      throw new StoreUnavailableException(
          "Redis under " + ns + " is out of reach: " + e.getMessage(), e);
    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("LOADING")) {
        // A restarted server answers LOADING until it has read its append-only file back.
        throw new StoreUnavailableException(
            "Redis under " + ns + " is starting: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  long eval(String script, List<byte[]> keys, List<byte[]> args) {
    Object result = call(() -> redis.eval(bytes(script), keys, args));
    return result instanceof Long ? (Long) result : 0L;
  }

  private void mustExist(long result, String runId) {
    if (result == -1) {
      throw new NoSuchElementException("no run " + runId + " in Redis under " + ns);
    }
    if (result == -4) {
      throw new IllegalStateException(
          "run "
              + runId
              + " already ended "
              + string(call(() -> redis.hget(key("run:" + runId), bytes("status"))))
              + ": an ended run's record no longer changes (a failed run is replayed)");
    }
    if (result == -3) {
      byte[] who = call(() -> redis.hget(key("run:" + runId), bytes("owner")));
      byte[] until = who == null ? null : call(() -> redis.hget(key("nodes"), who));
      throw new RunOwnedElsewhereException(
          runId,
          who == null ? "?" : string(who),
          Instant.ofEpochMilli(until == null ? 0 : Long.parseLong(string(until))));
    }
  }

  @Override
  public RunRecord open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    RunIds.check(runId);
    nodes.registerOnce();
    List<byte[]> keys = List.of(key("run:" + runId), key("open"), key("seq"));
    mustExist(
        eval(
            RedisScripts.OPEN,
            keys,
            claiming(
                List.of(
                    bytes(runId),
                    bytes(workflow),
                    bytes(entryPoint),
                    bytes(graphHash),
                    inputs == null ? new byte[0] : inputs,
                    bytes(inputs == null ? "0" : "1")))),
        runId);
    return find(runId).orElseThrow();
  }

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    RunIds.check(runId);
    long result =
        eval(
            RedisScripts.SAVE_STEP,
            runKeys(runId),
            claiming(List.of(bytes(step), output, bytes(Integer.toString(attempts)))));
    mustExist(result, runId);
    if (result == -2) {
      throw new IllegalStateException(
          "step '" + step + "' of run " + runId + " is already recorded");
    }
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    RunIds.check(runId);
    mustExist(
        eval(
            RedisScripts.SAVE_ATTEMPT,
            List.of(key("run:" + runId), key("att:" + runId)),
            claiming(List.of(bytes(step), bytes(Integer.toString(attempts)), bytes("0")))),
        runId);
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts, RunNotes notes) {
    RunIds.check(runId);
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(step));
    args.add(bytes(Integer.toString(attempts)));
    args.add(bytes("1"));
    args.add(bytes(runId));
    args.addAll(noting(notes));
    mustExist(
        eval(
            RedisScripts.SAVE_ATTEMPT,
            List.of(key("run:" + runId), key("att:" + runId)),
            claiming(args)),
        runId);
  }

  @Override
  public void saveNotes(String runId, RunNotes notes) {
    RunIds.check(runId);
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(runId));
    args.addAll(noting(notes));
    mustExist(eval(RedisScripts.SAVE_NOTES, List.of(key("run:" + runId)), claiming(args)), runId);
  }

  private static List<byte[]> noting(RunNotes notes) {
    return List.of(
        bytes(notes.timelineJson()),
        bytes(Integer.toString(notes.retrying())),
        bytes(notes.parkedOn() == null ? "" : notes.parkedOn()));
  }

  @Override
  public String timeline(String runId) {
    RunIds.check(runId);
    byte[] lines = call(() -> redis.hget(key("run:" + runId), bytes("timeline")));
    return lines == null ? "" : string(lines);
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    RunIds.check(runId);
    List<byte[]> args = new ArrayList<>();
    steps.forEach(s -> args.add(bytes(s)));
    mustExist(eval(RedisScripts.RESET_STEPS, runKeys(runId), claiming(args)), runId);
  }

  @Override
  public int purgeFinished(Instant before) {
    return (int)
        eval(
            RedisScripts.PURGE,
            List.of(key("ended")),
            List.of(bytes(ns), bytes(Long.toString(before.toEpochMilli()))));
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    status(runId, status, null, false, null, RunNotes.NONE);
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status, RunNotes notes) {
    status(runId, status, null, false, null, notes);
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    status(runId, status, output, true, null, RunNotes.NONE);
  }

  /** The run's end and its dead letter in one script: a refused end writes no dead letter. */
  @Override
  public void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    status(runId, status, null, false, letter, RunNotes.NONE);
  }

  /**
   * The run's end with the rest of its timeline in one script (after the last step's checkpoint,
   * for a success that has one).
   */
  @Override
  public void end(String runId, RunEnd end) {
    if (end.status().isFailure()) {
      status(runId, end.status(), null, false, end.letter(), end.notes());
      return;
    }
    if (end.lastStep() != null) {
      saveStep(runId, end.lastStep(), end.lastStepOutput(), end.lastStepAttempts());
    }
    status(runId, end.status(), end.output(), true, null, end.notes());
  }

  private void status(
      String runId,
      WorkflowStatus status,
      byte[] output,
      boolean withOutput,
      DeadLetter letter,
      RunNotes notes) {
    RunIds.check(runId);
    List<byte[]> keys = new ArrayList<>(runKeys(runId));
    keys.add(key("open"));
    keys.add(key("ended"));
    keys.add(key("dlq"));
    keys.add(key("dlq:ord"));
    keys.add(key("dlq:seq"));
    keys.add(key("dlq:by"));
    boolean hasOutput = withOutput && output != null;
    mustExist(
        eval(
            RedisScripts.SAVE_STATUS,
            keys,
            claiming(
                List.of(
                    bytes(runId),
                    bytes(status.name()),
                    bytes(status.isTerminal() ? "1" : "0"),
                    bytes(Long.toString(leases.now())),
                    bytes(Long.toString(finishedTtlSeconds)),
                    bytes(hasOutput ? "1" : "0"),
                    hasOutput ? output : new byte[0],
                    bytes(letter != null ? "1" : "0"),
                    letter != null ? RedisDeadLetters.encode(letter) : new byte[0],
                    bytes(letter != null ? letter.declaredBy() : ""),
                    bytes(notes.timelineJson()),
                    bytes(Integer.toString(notes.retrying())),
                    bytes(notes.parkedOn() == null ? "" : notes.parkedOn()),
                    bytes(letter != null ? RedisDeadLetters.member(letter) : "")))),
        runId);
  }

  @Override
  public RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps) {
    RunIds.check(runId);
    if (!expected.isFailure()) {
      throw new IllegalArgumentException(
          "only a failed run can be reopened, not a " + expected + " one");
    }
    List<byte[]> keys = new ArrayList<>(runKeys(runId));
    keys.add(key("open"));
    keys.add(key("ended"));
    List<byte[]> args = new ArrayList<>(List.of(bytes(runId), bytes(expected.name())));
    resetSteps.forEach(s -> args.add(bytes(s)));
    long result = eval(RedisScripts.REOPEN, keys, claiming(args));
    mustExist(result, runId);
    if (result == -5) {
      throw new IllegalStateException(
          "run "
              + runId
              + " is "
              + string(call(() -> redis.hget(key("run:" + runId), bytes("status"))))
              + ", not "
              + expected
              + " as read: not reopened");
    }
    return find(runId).orElseThrow();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Optional<RunRecord> find(String runId) {
    RunIds.check(runId);
    Object loaded = call(() -> redis.eval(bytes(RedisScripts.LOAD), runKeys(runId), List.of()));
    if (!(loaded instanceof List)) {
      return Optional.empty();
    }
    List<Object> parts = (List<Object>) loaded;
    Map<String, byte[]> run = pairs((List<Object>) parts.get(0));
    Map<String, byte[]> outs = pairs((List<Object>) parts.get(1));
    Map<String, byte[]> atts = pairs((List<Object>) parts.get(2));
    Map<String, byte[]> outputs = new LinkedHashMap<>();
    Map<String, Integer> attempts = new LinkedHashMap<>();
    atts.forEach(
        (step, n) -> attempts.put(step, Integer.parseInt(new String(n, StandardCharsets.UTF_8))));
    for (Object step : (List<Object>) parts.get(3)) {
      String name = string(step);
      if (outs.containsKey(name)) {
        outputs.put(name, outs.get(name));
      }
    }
    return Optional.of(
        new RunRecord(
            runId,
            text(run, "workflow"),
            text(run, "entry"),
            text(run, "hash"),
            WorkflowStatus.valueOf(text(run, "status")),
            outputs,
            attempts,
            run.get("inputs"),
            run.get("output")));
  }

  private static Map<String, byte[]> pairs(List<Object> flat) {
    Map<String, byte[]> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      map.put(string(flat.get(i)), (byte[]) flat.get(i + 1));
    }
    return map;
  }

  private static String text(Map<String, byte[]> run, String field) {
    byte[] v = run.get(field);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  @Override
  public List<RunRecord> unfinished() {
    List<RunRecord> runs = new ArrayList<>();
    for (byte[] id : call(() -> redis.zrange(key("open"), 0, -1))) {
      find(new String(id, StandardCharsets.UTF_8)).ifPresent(runs::add);
    }
    return runs;
  }
}
