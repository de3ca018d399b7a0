package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunOwnedElsewhereException;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
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
import redis.clients.jedis.UnifiedJedis;

/**
 * Runs, checkpoints and dead letters in Redis, through a Jedis client you own.
 *
 * <p>Every write is one Lua script, which Redis runs atomically: a step's output, its completion
 * order and the run's new version land together, and a second record of one step is refused. Keys
 * are namespaced ({@code firebreak:} by default): per run a hash {@code run:<id>}, the step outputs
 * {@code out:<id>}, attempt counts {@code att:<id>} and completion order {@code ord:<id>}; sorted
 * sets {@code open} (unfinished runs, oldest first) and {@code ended}; the dead letters in {@code
 * dlq} and {@code dlq:ord}. A finished run's keys expire after {@code finishedTtl}.
 *
 * <p>Durability is the server's: run Redis with {@code appendonly yes} and {@code appendfsync
 * always} for a write to be on disk when the call returns. The scripts build per-run keys from the
 * namespace, so the store needs a single Redis (or every key of a run in one hash slot).
 */
public final class RedisStore implements CheckpointStore {
  /**
   * Prepended to the scripts that write a run: the three last ARGV are this process's owner id, the
   * time (ms) and the lease (ms). Takes the run over if it is free, ours, or its lease expired;
   * false if another owner holds a live lease.
   */
  private static final String CLAIM =
      "local function claim(run)\n"
          + "  local me, now, lease = ARGV[#ARGV - 2], tonumber(ARGV[#ARGV - 1]), tonumber(ARGV[#ARGV])\n"
          + "  local o = redis.call('HGET', run, 'owner')\n"
          + "  if o and o ~= me and tonumber(redis.call('HGET', run, 'lease') or '0') >= now then return false end\n"
          + "  redis.call('HSET', run, 'owner', me, 'lease', now + lease)\n"
          + "  redis.call('HINCRBY', run, 'version', 1)\n"
          + "  return true\n"
          + "end\n"
          + "local function ended(run)\n"
          + "  local st = redis.call('HGET', run, 'status')\n"
          + "  return st ~= 'RUNNING' and st ~= 'PARKED'\n"
          + "end\n";

  private static final String OPEN =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 1 then\n"
          + "  local st = redis.call('HGET', KEYS[1], 'status')\n"
          + "  if (st == 'RUNNING' or st == 'PARKED') and not claim(KEYS[1]) then return -3 end\n"
          + "  return 1\n"
          + "end\n"
          + "if true then\n"
          + "  local seq = redis.call('INCR', KEYS[3])\n"
          + "  redis.call('HSET', KEYS[1], 'workflow', ARGV[2], 'entry', ARGV[3], 'hash', ARGV[4],"
          + " 'status', 'RUNNING', 'version', 0, 'created', seq)\n"
          + "  if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'inputs', ARGV[5]) end\n"
          + "  claim(KEYS[1])\n"
          + "  redis.call('ZADD', KEYS[2], seq, ARGV[1])\n"
          + "end\n"
          + "return 1";

  private static final String RENEW =
      "for i = 1, #KEYS do\n"
          + "  if redis.call('HGET', KEYS[i], 'owner') == ARGV[1] then redis.call('HSET', KEYS[i], 'lease', ARGV[2]) end\n"
          + "end\n"
          + "return 1";

  private static final String LOAD =
      "if redis.call('EXISTS', KEYS[1]) == 0 then return false end\n"
          + "return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),"
          + " redis.call('HGETALL', KEYS[3]), redis.call('LRANGE', KEYS[4], 0, -1)}";

  private static final String SAVE_STEP =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -2 end\n"
          + "if not claim(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
          + "redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])\n"
          + "redis.call('RPUSH', KEYS[4], ARGV[1])\n"
          + "return 1";

  private static final String SAVE_ATTEMPT =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not claim(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
          + "return 1";

  private static final String RESET_STEPS =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not claim(KEYS[1]) then return -3 end\n"
          + "for i = 1, #ARGV - 3 do\n"
          + "  redis.call('HDEL', KEYS[2], ARGV[i])\n"
          + "  redis.call('HDEL', KEYS[3], ARGV[i])\n"
          + "  redis.call('LREM', KEYS[4], 0, ARGV[i])\n"
          + "end\n"
          + "return 1";

  /**
   * KEYS: run, out, att, ord, open, ended, dlq, dlq:ord, dlq:seq. ARGV: id, status, terminal, now
   * ms, ttl s, has output, output, has dead letter, dead letter. An ended run is refused (-4), and
   * then no dead letter is written either.
   */
  private static final String SAVE_STATUS =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not claim(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[1], 'status', ARGV[2])\n"
          + "if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'output', ARGV[7]) end\n"
          + "if ARGV[3] == '1' then\n"
          + "  redis.call('ZREM', KEYS[5], ARGV[1])\n"
          + "  redis.call('ZADD', KEYS[6], ARGV[4], ARGV[1])\n"
          + "  redis.call('HSET', KEYS[1], 'ended', ARGV[4])\n"
          + "  redis.call('HDEL', KEYS[1], 'owner', 'lease')\n"
          + "  if tonumber(ARGV[5]) > 0 then\n"
          + "    for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end\n"
          + "  end\n"
          + "else\n"
          + "  redis.call('ZADD', KEYS[5], redis.call('HGET', KEYS[1], 'created'), ARGV[1])\n"
          + "  redis.call('ZREM', KEYS[6], ARGV[1])\n"
          + "  redis.call('HDEL', KEYS[1], 'ended')\n"
          + "  for i = 1, 4 do redis.call('PERSIST', KEYS[i]) end\n"
          + "end\n"
          + "if ARGV[8] == '1' then\n"
          + "  redis.call('HSET', KEYS[7], ARGV[1], ARGV[9])\n"
          + "  redis.call('ZADD', KEYS[8], redis.call('INCR', KEYS[9]), ARGV[1])\n"
          + "end\n"
          + "return 1";

  /**
   * KEYS: run, out, att, ord, open, ended. ARGV: id, expected status, the steps to reset. Takes a
   * failed run back to RUNNING, owned here, only if it is still the status read (else -5).
   */
  private static final String REOPEN =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if redis.call('HGET', KEYS[1], 'status') ~= ARGV[2] then return -5 end\n"
          + "redis.call('HSET', KEYS[1], 'status', 'RUNNING')\n"
          + "redis.call('HDEL', KEYS[1], 'ended', 'owner', 'lease')\n"
          + "claim(KEYS[1])\n"
          + "redis.call('ZADD', KEYS[5], redis.call('HGET', KEYS[1], 'created'), ARGV[1])\n"
          + "redis.call('ZREM', KEYS[6], ARGV[1])\n"
          + "for i = 1, 4 do redis.call('PERSIST', KEYS[i]) end\n"
          + "for i = 3, #ARGV - 3 do\n"
          + "  redis.call('HDEL', KEYS[2], ARGV[i])\n"
          + "  redis.call('HDEL', KEYS[3], ARGV[i])\n"
          + "  redis.call('LREM', KEYS[4], 0, ARGV[i])\n"
          + "end\n"
          + "return 1";

  /** KEYS: ended. ARGV: namespace, before ms. */
  private static final String PURGE =
      "local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])\n"
          + "for _, id in ipairs(ids) do\n"
          + "  redis.call('DEL', ARGV[1] .. 'run:' .. id, ARGV[1] .. 'out:' .. id, ARGV[1] .. 'att:' .. id,"
          + " ARGV[1] .. 'ord:' .. id)\n"
          + "  redis.call('ZREM', KEYS[1], id)\n"
          + "end\n"
          + "return #ids";

  /** KEYS: dlq, dlq:ord, dlq:seq. ARGV: id, letter. */
  private static final String DLQ_ADD =
      "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
          + "redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])\n"
          + "return 1";

  private static final String DLQ_DISCARD =
      "local n = redis.call('HDEL', KEYS[1], ARGV[1])\n"
          + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
          + "return n";

  private static final CheckpointCodec<Object[]> LETTER =
      Codecs.tuple(
          List.of(
              Codecs.STRING,
              Codecs.STRING,
              Codecs.STRING,
              Codecs.STRING,
              Codecs.STRING,
              Codecs.INT,
              Codecs.list(Codecs.STRING),
              Codecs.INSTANT,
              Codecs.BYTES));

  private final UnifiedJedis redis;
  private final String ns;
  private final long finishedTtlSeconds;
  private final DeadLetterQueue deadLetters = new DeadLetters();
  private final Leases leases;

  private RedisStore(UnifiedJedis redis, String namespace, Duration finishedTtl, Leases leases) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.ns = Objects.requireNonNull(namespace, "namespace");
    this.finishedTtlSeconds = finishedTtl == null ? 0 : Math.max(1, finishedTtl.toSeconds());
    this.leases = Objects.requireNonNull(leases, "leases");
  }

  /**
   * A store on {@code redis} under keys starting with {@code namespace} (e.g. {@code
   * "firebreak:"}); finished runs expire after {@code finishedTtl} (null: kept until purged). Runs
   * are leased as {@link Leases#defaults()}.
   */
  public static RedisStore open(UnifiedJedis redis, String namespace, Duration finishedTtl) {
    return new RedisStore(redis, namespace, finishedTtl, Leases.defaults());
  }

  /** As {@link #open(UnifiedJedis, String, Duration)}, with this process's owner id and lease. */
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
  public void renewLeases(Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return;
    }
    List<byte[]> keys = new ArrayList<>();
    runIds.forEach(id -> keys.add(key("run:" + id)));
    redis.eval(
        bytes(RENEW),
        keys,
        List.of(bytes(leases.owner()), bytes(Long.toString(leases.until(leases.now())))));
  }

  /** The ARGV tail every claiming script reads: owner, now, lease. */
  private List<byte[]> claiming(List<byte[]> args) {
    List<byte[]> all = new ArrayList<>(args);
    all.add(bytes(leases.owner()));
    all.add(bytes(Long.toString(leases.now())));
    all.add(bytes(Long.toString(leases.millis())));
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

  private byte[] key(String name) {
    return bytes(ns + name);
  }

  private List<byte[]> runKeys(String runId) {
    return List.of(
        key("run:" + runId), key("out:" + runId), key("att:" + runId), key("ord:" + runId));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String string(Object o) {
    return o == null ? null : new String((byte[]) o, StandardCharsets.UTF_8);
  }

  private long eval(String script, List<byte[]> keys, List<byte[]> args) {
    Object result = redis.eval(bytes(script), keys, args);
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
              + string(redis.hget(key("run:" + runId), bytes("status")))
              + ": an ended run's record no longer changes (a failed run is replayed)");
    }
    if (result == -3) {
      byte[] who = redis.hget(key("run:" + runId), bytes("owner"));
      byte[] until = redis.hget(key("run:" + runId), bytes("lease"));
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
    List<byte[]> keys = List.of(key("run:" + runId), key("open"), key("seq"));
    mustExist(
        eval(
            OPEN,
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
            SAVE_STEP,
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
            SAVE_ATTEMPT,
            List.of(key("run:" + runId), key("att:" + runId)),
            claiming(List.of(bytes(step), bytes(Integer.toString(attempts))))),
        runId);
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    RunIds.check(runId);
    List<byte[]> args = new ArrayList<>();
    steps.forEach(s -> args.add(bytes(s)));
    mustExist(eval(RESET_STEPS, runKeys(runId), claiming(args)), runId);
  }

  @Override
  public int purgeFinished(Instant before) {
    return (int)
        eval(
            PURGE,
            List.of(key("ended")),
            List.of(bytes(ns), bytes(Long.toString(before.toEpochMilli()))));
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    status(runId, status, null, false, null);
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    status(runId, status, output, true, null);
  }

  /** The run's end and its dead letter in one script: a refused end writes no dead letter. */
  @Override
  public void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    status(runId, status, null, false, letter == null ? null : encode(letter));
  }

  private void status(
      String runId, WorkflowStatus status, byte[] output, boolean withOutput, byte[] letter) {
    RunIds.check(runId);
    List<byte[]> keys = new ArrayList<>(runKeys(runId));
    keys.add(key("open"));
    keys.add(key("ended"));
    keys.add(key("dlq"));
    keys.add(key("dlq:ord"));
    keys.add(key("dlq:seq"));
    boolean hasOutput = withOutput && output != null;
    mustExist(
        eval(
            SAVE_STATUS,
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
                    letter != null ? letter : new byte[0]))),
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
    long result = eval(REOPEN, keys, claiming(args));
    mustExist(result, runId);
    if (result == -5) {
      throw new IllegalStateException(
          "run "
              + runId
              + " is "
              + string(redis.hget(key("run:" + runId), bytes("status")))
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
    Object loaded = redis.eval(bytes(LOAD), runKeys(runId), List.of());
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
    for (byte[] id : redis.zrange(key("open"), 0, -1)) {
      find(new String(id, StandardCharsets.UTF_8)).ifPresent(runs::add);
    }
    return runs;
  }

  private static byte[] encode(DeadLetter l) {
    return Codecs.encode(
        LETTER,
        new Object[] {
          l.runId(),
          l.workflow(),
          l.entryPoint(),
          l.reason().name(),
          l.step(),
          l.attempts(),
          l.errorChain(),
          l.time(),
          l.inputs()
        });
  }

  private final class DeadLetters implements DeadLetterQueue {
    @Override
    public void add(DeadLetter l) {
      eval(
          DLQ_ADD,
          List.of(key("dlq"), key("dlq:ord"), key("dlq:seq")),
          List.of(bytes(l.runId()), encode(l)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<DeadLetter> list() {
      List<DeadLetter> letters = new ArrayList<>();
      List<byte[]> ids = redis.zrange(key("dlq:ord"), 0, -1);
      if (ids.isEmpty()) {
        return letters;
      }
      List<byte[]> values = redis.hmget(key("dlq"), ids.toArray(new byte[0][]));
      for (byte[] value : values) {
        if (value == null) {
          continue; // discarded between the two reads
        }
        Object[] f = Codecs.decode(LETTER, value);
        letters.add(
            new DeadLetter(
                (String) f[0],
                (String) f[1],
                (String) f[2],
                DeadLetterReason.valueOf((String) f[3]),
                (String) f[4],
                (Integer) f[5],
                (List<String>) f[6],
                (Instant) f[7],
                (byte[]) f[8]));
      }
      return letters;
    }

    @Override
    public int size() {
      return (int) redis.hlen(key("dlq"));
    }

    @Override
    public boolean discard(String runId) {
      RunIds.check(runId);
      return eval(DLQ_DISCARD, List.of(key("dlq"), key("dlq:ord")), List.of(bytes(runId))) > 0;
    }
  }
}
