package dev.firebreak.runtime.redis;

/**
 * The Lua scripts through which {@link RedisStore} writes: each write is one script, which Redis
 * runs atomically. Per run a hash {@code run:<id>} (status, owner, lease, version, times, inputs,
 * output), its step outputs {@code out:<id>}, attempt counts {@code att:<id>} and completion order
 * {@code ord:<id>}; the run's timeline in the hash's field {@code timeline} (JSON lines, appended);
 * sorted sets {@code open} and {@code ended}; dead letters in {@code dlq} and {@code dlq:ord}, the
 * agent method that declares each letter's step in {@code dlq:by} (run id to {@code
 * com.acme.OcrAgent#extract}; no field when unknown). A script that writes a run refuses one that
 * has ended (-4), a live owner (-3) and an unknown run (-1). Nodes' leases are in the hash {@code
 * nodes} (node id to the end of its lease, ms).
 */
final class RedisScripts {
  private RedisScripts() {}

  /**
   * Prepended to the scripts that write a run: the three last ARGV are the namespace, this node's
   * id and the time (ms). {@code claim} (opening a run) takes the run for this node if it is free,
   * this node's, or its owner is gone (no lease in {@code nodes}, or an ended one); false if its
   * owner lives. {@code mine} (every other write) passes only if this node owns the run: a node
   * that lost a run never takes it back by writing, since what it holds in memory may be behind.
   * Each node's unfinished runs are in the sorted set {@code own:<node>} (by creation), runs handed
   * back in {@code free}: a sweep reads only the sets of gone nodes. {@code disown} takes an ended
   * run out of its owner's set.
   */
  static final String CLAIM =
      "local P, ME, NOW = ARGV[#ARGV - 2], ARGV[#ARGV - 1], tonumber(ARGV[#ARGV])\n"
          + "local function alive(o)\n"
          + "  local u = redis.call('HGET', P .. 'nodes', o)\n"
          + "  return u and tonumber(u) >= NOW\n"
          + "end\n"
          + "local function claim(run)\n"
          + "  local o = redis.call('HGET', run, 'owner')\n"
          + "  if o and o ~= ME and alive(o) then return false end\n"
          + "  if o ~= ME then\n"
          + "    local id = string.sub(run, #P + 5)\n"
          + "    if o then redis.call('ZREM', P .. 'own:' .. o, id) else redis.call('ZREM', P .. 'free', id) end\n"
          + "    redis.call('ZADD', P .. 'own:' .. ME, redis.call('HGET', run, 'created'), id)\n"
          + "    redis.call('HSET', run, 'owner', ME)\n"
          + "  end\n"
          + "  redis.call('HINCRBY', run, 'version', 1)\n"
          + "  return true\n"
          + "end\n"
          + "local function mine(run)\n"
          + "  if redis.call('HGET', run, 'owner') ~= ME then return false end\n"
          + "  redis.call('HINCRBY', run, 'version', 1)\n"
          + "  return true\n"
          + "end\n"
          + "local function disown(run)\n"
          + "  local o = redis.call('HGET', run, 'owner')\n"
          + "  if o then redis.call('ZREM', P .. 'own:' .. o, string.sub(run, #P + 5)) end\n"
          + "  redis.call('HDEL', run, 'owner', 'lease')\n"
          + "end\n"
          + "local function ended(run)\n"
          + "  local st = redis.call('HGET', run, 'status')\n"
          + "  return st ~= 'RUNNING' and st ~= 'PARKED'\n"
          + "end\n"
          + RunIndex.FUNCTIONS;

  /** ARGV: lease ms, then the tail. Renews this node's lease; 1 if it had not ended, else 0. */
  static final String HEARTBEAT =
      CLAIM
          + "local before = redis.call('HGET', P .. 'nodes', ME)\n"
          + "redis.call('HSET', P .. 'nodes', ME, NOW + tonumber(ARGV[1]))\n"
          + "if before and tonumber(before) >= NOW then return 1 end\n"
          + "return 0";

  /** ARGV: run ids, then the tail. The ids of those this node still owns, each at a new version. */
  static final String CONFIRM =
      CLAIM
          + "local kept = {}\n"
          + "for i = 1, #ARGV - 3 do\n"
          + "  local run = P .. 'run:' .. ARGV[i]\n"
          + "  if redis.call('HGET', run, 'owner') == ME and not ended(run) then\n"
          + "    redis.call('HINCRBY', run, 'version', 1)\n"
          + "    table.insert(kept, ARGV[i])\n"
          + "  end\n"
          + "end\n"
          + "return kept";

  /**
   * ARGV: max, then the entry points ({@code Workflow#entry}), then the tail. Takes up to max
   * unfinished runs of those entry points from {@code free} and the sets of gone nodes, oldest
   * first within each; forgets gone nodes that own nothing any more. Returns the ids taken.
   */
  static final String TAKE_OVER =
      CLAIM
          + "local max = tonumber(ARGV[1])\n"
          + "local bound = {}\n"
          + "for i = 2, #ARGV - 3 do bound[ARGV[i]] = true end\n"
          + "local sources = {P .. 'free'}\n"
          + "local gone = {}\n"
          + "local nodes = redis.call('HGETALL', P .. 'nodes')\n"
          + "for i = 1, #nodes, 2 do\n"
          + "  local o, u = nodes[i], tonumber(nodes[i + 1])\n"
          + "  if o ~= ME and u < NOW then\n"
          + "    table.insert(sources, P .. 'own:' .. o)\n"
          + "    gone[P .. 'own:' .. o] = o\n"
          + "  end\n"
          + "end\n"
          + "local taken = {}\n"
          + "for _, src in ipairs(sources) do\n"
          + "  local offset = 0\n"
          + "  while #taken < max do\n"
          + "    local ids = redis.call('ZRANGE', src, offset, offset + 99)\n"
          + "    if #ids == 0 then break end\n"
          + "    offset = offset + #ids\n"
          + "    for _, id in ipairs(ids) do\n"
          + "      if #taken >= max then break end\n"
          + "      local run = P .. 'run:' .. id\n"
          + "      if redis.call('EXISTS', run) == 0 or ended(run) then\n"
          + "        redis.call('ZREM', src, id)\n"
          + "        offset = offset - 1\n"
          + "      elseif bound[redis.call('HGET', run, 'workflow') .. '#' .. redis.call('HGET', run, 'entry')] then\n"
          + "        redis.call('ZREM', src, id)\n"
          + "        offset = offset - 1\n"
          + "        redis.call('ZADD', P .. 'own:' .. ME, redis.call('HGET', run, 'created'), id)\n"
          + "        redis.call('HSET', run, 'owner', ME)\n"
          + "        redis.call('HINCRBY', run, 'version', 1)\n"
          + "        table.insert(taken, id)\n"
          + "      end\n"
          + "    end\n"
          + "  end\n"
          + "  if gone[src] and redis.call('ZCARD', src) == 0 then redis.call('HDEL', P .. 'nodes', gone[src]) end\n"
          + "end\n"
          + "return taken";

  /** ARGV: the tail. Hands this node's unfinished runs back to nobody and ends its lease. */
  static final String LEAVE =
      CLAIM
          + "local mine = P .. 'own:' .. ME\n"
          + "local ids = redis.call('ZRANGE', mine, 0, -1, 'WITHSCORES')\n"
          + "for i = 1, #ids, 2 do\n"
          + "  local run = P .. 'run:' .. ids[i]\n"
          + "  if redis.call('HGET', run, 'owner') == ME and not ended(run) then\n"
          + "    redis.call('HDEL', run, 'owner')\n"
          + "    redis.call('HINCRBY', run, 'version', 1)\n"
          + "    redis.call('ZADD', P .. 'free', ids[i + 1], ids[i])\n"
          + "  end\n"
          + "end\n"
          + "redis.call('DEL', mine)\n"
          + "redis.call('HDEL', P .. 'nodes', ME)\n"
          + "return #ids / 2";

  /**
   * ARGV: the tail. Once per namespace: files the unfinished runs written before nodes existed
   * under their owners (recorded as gone) or in {@code free}.
   */
  static final String MIGRATE_NODES =
      CLAIM
          + "if redis.call('SETNX', P .. 'nodes:v1', '1') == 0 then return 0 end\n"
          + "local ids = redis.call('ZRANGE', P .. 'open', 0, -1, 'WITHSCORES')\n"
          + "for i = 1, #ids, 2 do\n"
          + "  local run = P .. 'run:' .. ids[i]\n"
          + "  local o = redis.call('HGET', run, 'owner')\n"
          + "  if o then\n"
          + "    redis.call('ZADD', P .. 'own:' .. o, ids[i + 1], ids[i])\n"
          + "    redis.call('HSETNX', P .. 'nodes', o, 0)\n"
          + "  else\n"
          + "    redis.call('ZADD', P .. 'free', ids[i + 1], ids[i])\n"
          + "  end\n"
          + "end\n"
          + "return #ids / 2";

  static final String OPEN =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 1 then\n"
          + "  local st = redis.call('HGET', KEYS[1], 'status')\n"
          + "  if (st == 'RUNNING' or st == 'PARKED') and not claim(KEYS[1]) then return -3 end\n"
          + "  return 1\n"
          + "end\n"
          + "if true then\n"
          + "  forgetExpired(NOW, 100)\n"
          + "  local seq = redis.call('INCR', KEYS[3])\n"
          + "  redis.call('HSET', KEYS[1], 'workflow', ARGV[2], 'entry', ARGV[3], 'hash', ARGV[4],"
          + " 'status', 'RUNNING', 'version', 0, 'created', seq, 'created_at', NOW)\n"
          + "  if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'inputs', ARGV[5]) end\n"
          + "  claim(KEYS[1])\n"
          + "  listed(KEYS[1], ARGV[1])\n"
          + "  redis.call('ZADD', KEYS[2], seq, ARGV[1])\n"
          + "end\n"
          + "return 1";

  /** The run's fields a record holds (not its timeline), its outputs, attempts and order. */
  static final String LOAD =
      "if redis.call('EXISTS', KEYS[1]) == 0 then return false end\n"
          + "local names = {'workflow', 'entry', 'hash', 'status', 'inputs', 'output'}\n"
          + "local values = redis.call('HMGET', KEYS[1], unpack(names))\n"
          + "local run = {}\n"
          + "for i, k in ipairs(names) do\n"
          + "  if values[i] then table.insert(run, k) table.insert(run, values[i]) end\n"
          + "end\n"
          + "return {run, redis.call('HGETALL', KEYS[2]),"
          + " redis.call('HGETALL', KEYS[3]), redis.call('LRANGE', KEYS[4], 0, -1)}";

  static final String SAVE_STEP =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return -2 end\n"
          + "if not mine(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
          + "redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])\n"
          + "redis.call('RPUSH', KEYS[4], ARGV[1])\n"
          + "return 1";

  /**
   * KEYS: run, att. ARGV: step, attempts; then, for an attempt with notes, '1', the run id, the
   * timeline to append, steps retrying, the breaker parked on (empty for none); then the tail.
   */
  static final String SAVE_ATTEMPT =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not mine(KEYS[1]) then return -3 end\n"
          + "redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])\n"
          + "if ARGV[3] == '1' then noted(KEYS[1], ARGV[4], ARGV[5], ARGV[6], ARGV[7]) end\n"
          + "return 1";

  /**
   * KEYS: run. ARGV: the run id, the timeline to append, steps retrying, the breaker parked on
   * (empty for none); then the tail.
   */
  static final String SAVE_NOTES =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not mine(KEYS[1]) then return -3 end\n"
          + "noted(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])\n"
          + "return 1";

  static final String RESET_STEPS =
      CLAIM
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not mine(KEYS[1]) then return -3 end\n"
          + "for i = 1, #ARGV - 3 do\n"
          + "  redis.call('HDEL', KEYS[2], ARGV[i])\n"
          + "  redis.call('HDEL', KEYS[3], ARGV[i])\n"
          + "  redis.call('LREM', KEYS[4], 0, ARGV[i])\n"
          + "end\n"
          + "return 1";

  /**
   * dlqIndex(ix, t, rt, id, member): the dead letter of run {@code id} listed newest first in the
   * sorted set {@code t} ({@code <time ms, 13 digits>|<id>}) and by reason in {@code rt} ({@code
   * <reason>|<time>|<id>}), both scored 0 and read by lex range; {@code ix} keeps each run's {@code
   * rt} member, so that a replaced or discarded letter leaves both. An empty member only unlists.
   */
  static final String DLQ_INDEX =
      "local function dlqIndex(ix, t, rt, id, member)\n"
          + "  local old = redis.call('HGET', ix, id)\n"
          + "  if old then\n"
          + "    redis.call('ZREM', rt, old)\n"
          + "    redis.call('ZREM', t, string.sub(old, string.find(old, '|', 1, true) + 1))\n"
          + "    redis.call('HDEL', ix, id)\n"
          + "  end\n"
          + "  if member ~= '' then\n"
          + "    redis.call('HSET', ix, id, member)\n"
          + "    redis.call('ZADD', rt, 0, member)\n"
          + "    redis.call('ZADD', t, 0, string.sub(member, string.find(member, '|', 1, true) + 1))\n"
          + "  end\n"
          + "end\n";

  /**
   * KEYS: run, out, att, ord, open, ended, dlq, dlq:ord, dlq:seq, dlq:by. ARGV: id, status,
   * terminal, now ms, ttl s, has output, output, has dead letter, dead letter, its step's declaring
   * method (empty when unknown), the timeline to append, steps retrying, the breaker parked on
   * (empty for none; an ended run is noted as neither), the letter's {@link #DLQ_INDEX} member. An
   * ended run is refused (-4), and then no dead letter is written either.
   */
  static final String SAVE_STATUS =
      CLAIM
          + DLQ_INDEX
          + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
          + "if ended(KEYS[1]) then return -4 end\n"
          + "if not mine(KEYS[1]) then return -3 end\n"
          + "forgetExpired(NOW, 100)\n"
          + "if ARGV[3] == '1' then noted(KEYS[1], ARGV[1], ARGV[11], '0', '')\n"
          + "else noted(KEYS[1], ARGV[1], ARGV[11], ARGV[12], ARGV[13]) end\n"
          + "restatus(KEYS[1], ARGV[1], ARGV[2])\n"
          + "if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'output', ARGV[7]) end\n"
          + "if ARGV[3] == '1' then\n"
          + "  redis.call('ZREM', KEYS[5], ARGV[1])\n"
          + "  redis.call('ZADD', KEYS[6], ARGV[4], ARGV[1])\n"
          + "  redis.call('HSET', KEYS[1], 'ended', ARGV[4])\n"
          + "  disown(KEYS[1])\n"
          + "  if tonumber(ARGV[5]) > 0 then\n"
          + "    for i = 1, 4 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end\n"
          + "    expiring(KEYS[1], ARGV[1], NOW + 1000 * tonumber(ARGV[5]))\n"
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
          + "  dlqIndex(P .. 'dlq:ix', P .. 'dlq:t', P .. 'dlq:rt', ARGV[1], ARGV[14])\n"
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
          + "restatus(KEYS[1], ARGV[1], 'RUNNING')\n"
          + "disown(KEYS[1])\n"
          + "redis.call('HDEL', KEYS[1], 'ended')\n"
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
      "local P = ARGV[1]\n"
          + RunIndex.FUNCTIONS
          + "local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])\n"
          + "for _, id in ipairs(ids) do\n"
          + "  unlisted(ARGV[1] .. 'run:' .. id, id)\n"
          + "  redis.call('DEL', ARGV[1] .. 'run:' .. id, ARGV[1] .. 'out:' .. id, ARGV[1] .. 'att:' .. id,"
          + " ARGV[1] .. 'ord:' .. id)\n"
          + "  redis.call('ZREM', KEYS[1], id)\n"
          + "end\n"
          + "return #ids";

  /**
   * KEYS: dlq, dlq:ord, dlq:seq, dlq:by, dlq:ix, dlq:t, dlq:rt. ARGV: id, letter, its step's
   * declaring method (empty when unknown), its {@link #DLQ_INDEX} member. Replaces an earlier
   * letter of the run, declaring method and index entries included.
   */
  static final String DLQ_ADD =
      DLQ_INDEX
          + "redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])\n"
          + "dlqIndex(KEYS[5], KEYS[6], KEYS[7], ARGV[1], ARGV[4])\n"
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

  /** KEYS: dlq, dlq:ord, dlq:by, dlq:ix, dlq:t, dlq:rt. ARGV: id. */
  static final String DLQ_DISCARD =
      DLQ_INDEX
          + "local n = redis.call('HDEL', KEYS[1], ARGV[1])\n"
          + "dlqIndex(KEYS[4], KEYS[5], KEYS[6], ARGV[1], '')\n"
          + "redis.call('HDEL', KEYS[3], ARGV[1])\n"
          + "redis.call('ZREM', KEYS[2], ARGV[1])\n"
          + "return n";

  /**
   * KEYS: dlq, dlq:ix, dlq:t, dlq:rt. ARGV: id, member. Lists a letter written before the index
   * existed, if it is still there and not listed meanwhile (by a newer write of it).
   */
  static final String DLQ_REINDEX =
      DLQ_INDEX
          + "if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end\n"
          + "if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end\n"
          + "dlqIndex(KEYS[2], KEYS[3], KEYS[4], ARGV[1], ARGV[2])\n"
          + "return 1";
}
