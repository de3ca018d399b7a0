package dev.firebreak.runtime.redis;

/**
 * The Lua scripts through which {@link RedisStore} writes: each write is one script, which Redis
 * runs atomically. Per run a hash {@code run:<id>} (status, owner, lease, version, times, inputs,
 * output), its step outputs {@code out:<id>}, attempt counts {@code att:<id>} and completion order
 * {@code ord:<id>}; sorted sets {@code open} and {@code ended}; dead letters in {@code dlq} and
 * {@code dlq:ord}, the agent method that declares each letter's step in {@code dlq:by} (run id to
 * {@code com.acme.OcrAgent#extract}; no field when unknown). A script that writes a run refuses one
 * that has ended (-4), another owner's live lease (-3) and an unknown run (-1).
 */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * Prepended to the scripts that write a run: the three last ARGV are this process's owner id, the
   * time (ms) and the lease (ms). Takes the run over if it is free, ours, or its lease expired;
   * false if another owner holds a live lease.
   */
  static final String CLAIM =
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

  static final String OPEN =
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

  static final String RENEW =
      "for i = 1, #KEYS do\n"
          + "  if redis.call('HGET', KEYS[i], 'owner') == ARGV[1] then redis.call('HSET', KEYS[i], 'lease', ARGV[2]) end\n"
          + "end\n"
          + "return 1";

  static final String LOAD =
      "if redis.call('EXISTS', KEYS[1]) == 0 then return false end\n"
          + "return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]),"
          + " redis.call('HGETALL', KEYS[3]), redis.call('LRANGE', KEYS[4], 0, -1)}";

  static final String SAVE_STEP =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -2 end\n"
          + "if not claim(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
          + "redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])\n"
          + "redis.call('RPUSH', KEYS[4], ARGV[1])\n"
          + "return 1";

  static final String SAVE_ATTEMPT =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not claim(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
          + "return 1";

  static final String RESET_STEPS =
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
   * KEYS: run, out, att, ord, open, ended, dlq, dlq:ord, dlq:seq, dlq:by. ARGV: id, status,
   * terminal, now ms, ttl s, has output, output, has dead letter, dead letter, its step's declaring
   * method (empty when unknown). An ended run is refused (-4), and then no dead letter is written
   * either.
   */
  static final String SAVE_STATUS =
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
          + "  if ARGV[10] == '' then redis.call('HDEL', KEYS[10], ARGV[1])\n"
          + "  else redis.call('HSET', KEYS[10], ARGV[1], ARGV[10]) end\n"
          + "  redis.call('ZADD', KEYS[8], redis.call('INCR', KEYS[9]), ARGV[1])\n"
          + "end\n"
          + "return 1";

  /**
   * KEYS: run, out, att, ord, open, ended. ARGV: id, expected status, the steps to reset. Takes a
   * failed run back to RUNNING, owned here, only if it is still the status read (else -5).
   */
  static final String REOPEN =
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
  static final String PURGE =
      "local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])\n"
          + "for _, id in ipairs(ids) do\n"
          + "  redis.call('DEL', ARGV[1] .. 'run:' .. id, ARGV[1] .. 'out:' .. id, ARGV[1] .. 'att:' .. id,"
          + " ARGV[1] .. 'ord:' .. id)\n"
          + "  redis.call('ZREM', KEYS[1], id)\n"
          + "end\n"
          + "return #ids";

  /**
   * KEYS: dlq, dlq:ord, dlq:seq, dlq:by. ARGV: id, letter, its step's declaring method (empty when
   * unknown). Replaces an earlier letter of the run, declaring method included.
   */
  static final String DLQ_ADD =
      "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
          + "if ARGV[3] == '' then redis.call('HDEL', KEYS[4], ARGV[1])\n"
          + "else redis.call('HSET', KEYS[4], ARGV[1], ARGV[3]) end\n"
          + "redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), ARGV[1])\n"
          + "return 1";

  /**
   * KEYS: dlq, dlq:ord, dlq:by. Every letter in order and each one's declaring method, read
   * together: two lists of one entry per run id, nil where a letter was discarded (or, for the
   * declaring method, is unknown).
   */
  static final String DLQ_LIST =
      "local ids = redis.call('ZRANGE', KEYS[2], 0, -1)\n"
          + "local letters, by = {}, {}\n"
          + "for i, id in ipairs(ids) do\n"
          + "  letters[i] = redis.call('HGET', KEYS[1], id)\n"
          + "  by[i] = redis.call('HGET', KEYS[3], id)\n"
          + "end\n"
          + "return {letters, by}";

  /** KEYS: dlq, dlq:ord, dlq:by. ARGV: id. */
  static final String DLQ_DISCARD =
      "local n = redis.call('HDEL', KEYS[1], ARGV[1])\n"
          + "redis.call('HDEL', KEYS[3], ARGV[1])\n"
          + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
          + "return n";
}
