package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.StoreUnavailableException;
import dev.firebreak.runtime.remote.CallRecords;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * {@link CallRecords} in Redis, shared by workers on any host: a hash {@code <namespace>call:<key>}
 * per call ({@code worker} and {@code until} while claimed; {@code output} and {@code until} once
 * done) and a sorted set {@code <namespace>calls} of the keys by {@code until}, for {@link
 * #expire}. Every change is one Lua script, so two workers claiming one key never both win.
 */
public final class RedisCallRecords implements CallRecords {
  private static final String CLAIM =
      "local out = redis.call('HGET', KEYS[1], 'output')\n"
          + "local held = redis.call('HGET', KEYS[1], 'until')\n"
          + "if out then return {'DONE', out, held} end\n"
          + "if held and tonumber(held) > tonumber(ARGV[3]) then return {'BUSY', '', held} end\n"
          + "redis.call('DEL', KEYS[1])\n"
          + "redis.call('HSET', KEYS[1], 'worker', ARGV[2], 'until', ARGV[4])\n"
          + "redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])\n"
          + "return {'CLAIMED', '', ARGV[4]}";

  private static final String RENEW =
      "if redis.call('HGET', KEYS[1], 'output') then return 0 end\n"
          + "if redis.call('HGET', KEYS[1], 'worker') ~= ARGV[2] then return 0 end\n"
          + "redis.call('HSET', KEYS[1], 'until', ARGV[3])\n"
          + "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])\n"
          + "return 1";

  private static final String DONE =
      "if redis.call('EXISTS', KEYS[1]) == 1 then\n"
          + "  if redis.call('HGET', KEYS[1], 'output') then return 0 end\n"
          + "  if redis.call('HGET', KEYS[1], 'worker') ~= ARGV[2] then return 0 end\n"
          + "end\n"
          + "redis.call('DEL', KEYS[1])\n"
          + "redis.call('HSET', KEYS[1], 'output', ARGV[3], 'until', ARGV[4])\n"
          + "redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])\n"
          + "return 1";

  private static final String RELEASE =
      "if redis.call('HGET', KEYS[1], 'output') then return 0 end\n"
          + "if redis.call('HGET', KEYS[1], 'worker') ~= ARGV[2] then return 0 end\n"
          + "redis.call('DEL', KEYS[1])\n"
          + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
          + "return 1";

  private static final String FORGET =
      "redis.call('DEL', KEYS[1])\n" + "redis.call('ZREM', KEYS[2], ARGV[1])\n" + "return 1";

  /** KEYS[1]: the sorted set; ARGV: now, the hashes' prefix. At most 1,000 keys per call. */
  private static final String EXPIRE =
      "local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 1000)\n"
          + "for _, k in ipairs(keys) do\n"
          + "  redis.call('DEL', ARGV[2] .. k)\n"
          + "  redis.call('ZREM', KEYS[1], k)\n"
          + "end\n"
          + "return #keys";

  private final UnifiedJedis redis;
  private final String namespace;

  private RedisCallRecords(UnifiedJedis redis, String namespace) {
    this.redis = Objects.requireNonNull(redis, "redis");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
  }

  /** Records under {@code namespace} (e.g. {@code "firebreak:"}); the client stays the caller's. */
  public static RedisCallRecords open(UnifiedJedis redis, String namespace) {
    return new RedisCallRecords(redis, namespace);
  }

  private byte[] hash(String key) {
    return bytes(namespace + "call:" + key);
  }

  private byte[] index() {
    return bytes(namespace + "calls");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] millis(Instant t) {
    return bytes(Long.toString(t.toEpochMilli()));
  }

  private Object eval(String script, List<byte[]> keys, List<byte[]> args) {
    try {
      return redis.eval(bytes(script), keys, args);
    } catch (JedisConnectionException e) {
      throw new StoreUnavailableException("the call records' Redis is out of reach", e);
    }
  }

  @Override
  public Claim claim(String key, String worker, Instant now, Instant until) {
    List<?> r =
        (List<?>)
            eval(
                CLAIM,
                List.of(hash(key), index()),
                List.of(bytes(key), bytes(worker), millis(now), millis(until)));
    String state = new String((byte[]) r.get(0), StandardCharsets.UTF_8);
    Instant held =
        Instant.ofEpochMilli(Long.parseLong(new String((byte[]) r.get(2), StandardCharsets.UTF_8)));
    return switch (state) {
      case "DONE" -> new Claim(State.DONE, (byte[]) r.get(1), held);
      case "BUSY" -> new Claim(State.BUSY, null, held);
      default -> new Claim(State.CLAIMED, null, held);
    };
  }

  @Override
  public boolean renew(String key, String worker, Instant until) {
    return Long.valueOf(1)
        .equals(
            eval(
                RENEW,
                List.of(hash(key), index()),
                List.of(bytes(key), bytes(worker), millis(until))));
  }

  @Override
  public boolean done(String key, String worker, byte[] output, Instant keepUntil) {
    return Long.valueOf(1)
        .equals(
            eval(
                DONE,
                List.of(hash(key), index()),
                List.of(bytes(key), bytes(worker), output, millis(keepUntil))));
  }

  @Override
  public void release(String key, String worker) {
    eval(RELEASE, List.of(hash(key), index()), List.of(bytes(key), bytes(worker)));
  }

  @Override
  public void forget(String key) {
    eval(FORGET, List.of(hash(key), index()), List.of(bytes(key)));
  }

  @Override
  public int expire(Instant now) {
    int total = 0;
    while (true) {
      long n =
          (Long) eval(EXPIRE, List.of(index()), List.of(millis(now), bytes(namespace + "call:")));
      total += (int) n;
      if (n < 1000) {
        return total;
      }
    }
  }

  @Override
  public Optional<byte[]> output(String key) {
    try {
      return Optional.ofNullable(redis.hget(hash(key), bytes("output")));
    } catch (JedisConnectionException e) {
      throw new StoreUnavailableException("the call records' Redis is out of reach", e);
    }
  }

  @Override
  public void close() {}
}
