package dev.firebreak.runtime.redis;

/**
 * The runs API's sorted sets in Redis, kept by the scripts that write a run. Each holds one member
 * per run, {@code <created_at, 13 digits>:<run id>}, all at score 0, so that a lexicographic range
 * read backwards is a page newest first, and a page's last member is where the next begins. Six
 * sets per run: {@code idx:all}, {@code idx:w:<workflow>}, {@code idx:e:<workflow>#<entry point>},
 * and each of these by status ({@code idx:s:<status>}, {@code idx:w:<workflow>:s:<status>}, {@code
 * idx:e:<workflow>#<entry point>:s:<status>}). A run whose keys expire ({@code finishedTtl}) is
 * noted in {@code idx:expiring} (by expiry time) and leaves the sets once that time has passed: up
 * to 100 such runs at each status change, up to 1,000 at each page, all of them before a count.
 * Unfinished runs are also in {@code idx:retrying} while they retry a step, and in {@code
 * idx:parked:<breaker>} while parked on that breaker ({@code noted}, with each write's notes).
 */
final class RunIndex {
  private RunIndex() {}

  /** Lua functions for the scripts; {@code P} (the namespace) must be defined before them. */
  static final String FUNCTIONS =
      "local function member(created, id)\n"
          + "  return string.format('%013d', tonumber(created or '0')) .. ':' .. id\n"
          + "end\n"
          + "local function runSets(w, e, st)\n"
          + "  local wk, ek = P .. 'idx:w:' .. w, P .. 'idx:e:' .. w .. '#' .. e\n"
          + "  return {P .. 'idx:all', wk, ek}, {P .. 'idx:s:' .. st, wk .. ':s:' .. st, ek .. ':s:' .. st}\n"
          + "end\n"
          + "local function runFields(run)\n"
          + "  return redis.call('HMGET', run, 'workflow', 'entry', 'status', 'created_at')\n"
          + "end\n"
          + "local function expiryNote(f, id)\n"
          + "  return f[1] .. '\\n' .. f[2] .. '\\n' .. f[3] .. '\\n' .. member(f[4], id)\n"
          + "end\n"
          + "local function listed(run, id)\n"
          + "  local f = runFields(run)\n"
          + "  local m = member(f[4], id)\n"
          + "  local all, byStatus = runSets(f[1], f[2], f[3])\n"
          + "  for _, k in ipairs(all) do redis.call('ZADD', k, 0, m) end\n"
          + "  for _, k in ipairs(byStatus) do redis.call('ZADD', k, 0, m) end\n"
          + "end\n"
          + "local function unlisted(run, id)\n"
          + "  local f = runFields(run)\n"
          + "  if not f[1] then return end\n"
          + "  local m = member(f[4], id)\n"
          + "  local all, byStatus = runSets(f[1], f[2], f[3])\n"
          + "  for _, k in ipairs(all) do redis.call('ZREM', k, m) end\n"
          + "  for _, k in ipairs(byStatus) do redis.call('ZREM', k, m) end\n"
          + "  redis.call('ZREM', P .. 'idx:expiring', expiryNote(f, id))\n"
          + "end\n"
          + "local function restatus(run, id, st)\n"
          + "  local f = runFields(run)\n"
          + "  if f[3] == st then return end\n"
          + "  if not f[4] then\n"
          + "    redis.call('HSET', run, 'created_at', 0)\n"
          + "    listed(run, id)\n"
          + "    f = runFields(run)\n"
          + "  end\n"
          + "  local m = member(f[4], id)\n"
          + "  local _, before = runSets(f[1], f[2], f[3])\n"
          + "  local _, after = runSets(f[1], f[2], st)\n"
          + "  for _, k in ipairs(before) do redis.call('ZREM', k, m) end\n"
          + "  for _, k in ipairs(after) do redis.call('ZADD', k, 0, m) end\n"
          + "  redis.call('ZREM', P .. 'idx:expiring', expiryNote(f, id))\n"
          + "  redis.call('HSET', run, 'status', st)\n"
          + "end\n"
          + "local function expiring(run, id, at)\n"
          + "  redis.call('ZADD', P .. 'idx:expiring', at, expiryNote(runFields(run), id))\n"
          + "end\n"
          + "local function noted(run, id, tl, retrying, parked)\n"
          + "  if tl ~= '' then\n"
          + "    redis.call('HSET', run, 'timeline', (redis.call('HGET', run, 'timeline') or '') .. tl)\n"
          + "  end\n"
          + "  local m = member(redis.call('HGET', run, 'created_at'), id)\n"
          + "  if tonumber(retrying) > 0 then\n"
          + "    redis.call('HSET', run, 'retrying', retrying)\n"
          + "    redis.call('ZADD', P .. 'idx:retrying', 0, m)\n"
          + "  elseif redis.call('HDEL', run, 'retrying') == 1 then\n"
          + "    redis.call('ZREM', P .. 'idx:retrying', m)\n"
          + "  end\n"
          + "  local before = redis.call('HGET', run, 'parked_on')\n"
          + "  if before and before ~= parked then\n"
          + "    redis.call('ZREM', P .. 'idx:parked:' .. before, m)\n"
          + "    redis.call('HDEL', run, 'parked_on')\n"
          + "  end\n"
          + "  if parked ~= '' and before ~= parked then\n"
          + "    redis.call('HSET', run, 'parked_on', parked)\n"
          + "    redis.call('ZADD', P .. 'idx:parked:' .. parked, 0, m)\n"
          + "  end\n"
          + "end\n"
          + "local function forgetExpired(now, max)\n"
          + "  local gone = redis.call('ZRANGEBYSCORE', P .. 'idx:expiring', '-inf', now, 'LIMIT', 0, max)\n"
          + "  for _, g in ipairs(gone) do\n"
          + "    local w, e, st, m = string.match(g, '^(.-)\\n(.-)\\n(.-)\\n(.*)$')\n"
          + "    local all, byStatus = runSets(w, e, st)\n"
          + "    for _, k in ipairs(all) do redis.call('ZREM', k, m) end\n"
          + "    for _, k in ipairs(byStatus) do redis.call('ZREM', k, m) end\n"
          + "    redis.call('ZREM', P .. 'idx:expiring', g)\n"
          + "  end\n"
          + "  return #gone\n"
          + "end\n";

  /**
   * KEYS: the sets to read (one per status asked for, or one). ARGV: namespace, now (ms), max and
   * min (lexicographic bounds), how many runs from each set, '1' for their data; then filters for a
   * set that holds more than the query selects (of runs retrying, or parked on a breaker): the
   * workflow, the entry point, the statuses between commas, '1' for runs retrying only, the breaker
   * for runs parked on it (each empty for none). A run such a set holds that no longer retries, or
   * is no longer parked on that breaker (a node of an older release ended it), leaves the set.
   * Returns per run its id, workflow, entry point, status, created_at, ended, owner, retrying,
   * parked_on (then inputs and output): only the page's runs are read (and, behind a filter, the
   * runs it passes over), all in one moment. A member whose run has expired is dropped from the
   * set.
   */
  static final String LIST =
      "local P = ARGV[1]\n"
          + FUNCTIONS
          + "forgetExpired(tonumber(ARGV[2]), 1000)\n"
          + "local want = tonumber(ARGV[5])\n"
          + "local fw, fe, fs, fr, fp = ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[11]\n"
          + "local function stale(f)\n"
          + "  if fp ~= '' then return f[3] ~= 'PARKED' or f[8] ~= fp end\n"
          + "  if fr ~= '1' then return false end\n"
          + "  return (f[3] ~= 'RUNNING' and f[3] ~= 'PARKED') or tonumber(f[7] or '0') <= 0\n"
          + "end\n"
          + "local function selected(f)\n"
          + "  return (fw == '' or f[1] == fw) and (fe == '' or f[2] == fe)\n"
          + "    and (fs == '' or string.find(fs, ',' .. f[3] .. ',', 1, true) ~= nil)\n"
          + "    and (fr ~= '1' or tonumber(f[7] or '0') > 0)\n"
          + "end\n"
          + "local out = {}\n"
          + "for _, set in ipairs(KEYS) do\n"
          + "local max, min, found = ARGV[3], ARGV[4], 0\n"
          + "while found < want do\n"
          + "  local ms = redis.call('ZREVRANGEBYLEX', set, max, min, 'LIMIT', 0, want - found)\n"
          + "  if #ms == 0 then break end\n"
          + "  for _, m in ipairs(ms) do\n"
          + "    max = '(' .. m\n"
          + "    local id = string.sub(m, 15)\n"
          + "    local run = P .. 'run:' .. id\n"
          + "    local f\n"
          + "    if ARGV[6] == '1' then\n"
          + "      f = redis.call('HMGET', run, 'workflow', 'entry', 'status', 'created_at', 'ended',"
          + " 'owner', 'retrying', 'parked_on', 'inputs', 'output')\n"
          + "    else\n"
          + "      f = redis.call('HMGET', run, 'workflow', 'entry', 'status', 'created_at', 'ended',"
          + " 'owner', 'retrying', 'parked_on')\n"
          + "    end\n"
          + "    if f[1] and stale(f) then\n"
          + "      redis.call('ZREM', set, m)\n"
          + "    elseif f[1] then\n"
          + "      if selected(f) then\n"
          + "        found = found + 1\n"
          + "        table.insert(out, id)\n"
          + "        for i = 1, #f do table.insert(out, f[i]) end\n"
          + "      end\n"
          + "    else\n"
          + "      redis.call('ZREM', set, m)\n"
          + "    end\n"
          + "  end\n"
          + "end\n"
          + "end\n"
          + "return out";

  /** ARGV: namespace, now (ms), the statuses. Returns how many runs each has. */
  static final String COUNT =
      "local P = ARGV[1]\n"
          + FUNCTIONS
          + "while forgetExpired(tonumber(ARGV[2]), 1000) == 1000 do end\n"
          + "local out = {}\n"
          + "for i = 3, #ARGV do table.insert(out, redis.call('ZCARD', P .. 'idx:s:' .. ARGV[i])) end\n"
          + "return out";

  /**
   * ARGV: namespace. Once per namespace: lists the runs written before the runs API (their creation
   * time unknown: 0).
   */
  static final String MIGRATE =
      "local P = ARGV[1]\n"
          + FUNCTIONS
          + "if redis.call('SETNX', P .. 'runs:v1', '1') == 0 then return 0 end\n"
          + "local n = 0\n"
          + "for _, set in ipairs({P .. 'open', P .. 'ended'}) do\n"
          + "  for _, id in ipairs(redis.call('ZRANGE', set, 0, -1)) do\n"
          + "    local run = P .. 'run:' .. id\n"
          + "    if redis.call('EXISTS', run) == 1 then\n"
          + "      redis.call('HSETNX', run, 'created_at', 0)\n"
          + "      listed(run, id)\n"
          + "      local ttl = redis.call('PTTL', run)\n"
          + "      if ttl > 0 then expiring(run, id, tonumber(ARGV[2]) + ttl) end\n"
          + "      n = n + 1\n"
          + "    end\n"
          + "  end\n"
          + "end\n"
          + "return n";
}
