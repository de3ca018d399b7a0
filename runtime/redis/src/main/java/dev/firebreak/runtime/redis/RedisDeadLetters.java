package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterCursor;
import dev.firebreak.runtime.DeadLetterPage;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.codec.Codecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dead-letter queue of a {@link RedisStore}, under its namespace: letters in the hash {@code
 * dlq} (run id to the encoded letter), their order in {@code dlq:ord}, each letter's declaring
 * method in {@code dlq:by}. A run's end and its letter are written by one script of the store.
 * Pages and counts read the index {@link RedisScripts#DLQ_INDEX} keeps: {@code dlq:t} (newest
 * first), {@code dlq:rt} (by reason) and {@code dlq:ix}; letters written before it existed are
 * listed in it the first time a page or a count is read.
 */
final class RedisDeadLetters implements DeadLetterQueue {
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

  private final RedisStore store;
  private volatile boolean indexChecked;

  private static byte[] bytes(String s) {
    return RedisStore.bytes(s);
  }

  private static String string(Object o) {
    return RedisStore.string(o);
  }

  RedisDeadLetters(RedisStore store) {
    this.store = store;
  }

  /** A letter as the hash {@code dlq} keeps it. */
  static byte[] encode(DeadLetter l) {
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

  /** The letter's member in {@code dlq:rt}: {@code <reason>|<time ms, 13 digits>|<run id>}. */
  static String member(DeadLetter l) {
    return l.reason().name() + "|" + timeMember(l.time().toEpochMilli(), l.runId());
  }

  private static String timeMember(long time, String runId) {
    return String.format("%013d|%s", time, runId);
  }

  private List<byte[]> indexKeys() {
    return List.of(store.key("dlq:ix"), store.key("dlq:t"), store.key("dlq:rt"));
  }

  @Override
  public void add(DeadLetter l) {
    List<byte[]> keys =
        new ArrayList<>(
            List.of(
                store.key("dlq"), store.key("dlq:ord"), store.key("dlq:seq"), store.key("dlq:by")));
    keys.addAll(indexKeys());
    store.eval(
        RedisScripts.DLQ_ADD,
        keys,
        List.of(bytes(l.runId()), encode(l), bytes(l.declaredBy()), bytes(member(l))));
  }

  @Override
  public DeadLetterPage page(DeadLetterReason reason, int limit, String after) {
    DeadLetterCursor.checkLimit(limit);
    DeadLetterCursor from = after == null ? null : DeadLetterCursor.decode(after);
    indexed();
    String prefix = reason == null ? "" : reason.name() + "|";
    byte[] set = store.key(reason == null ? "dlq:t" : "dlq:rt");
    byte[] max =
        bytes(
            from != null
                ? "(" + prefix + timeMember(from.time(), from.runId())
                : reason == null ? "+" : "(" + reason.name() + "}");
    byte[] min = bytes(reason == null ? "-" : "[" + prefix);
    List<byte[]> members =
        store.call(() -> store.redis().zrevrangeByLex(set, max, min, 0, limit + 1));
    // The page and its cursor follow the index; a letter discarded between the two reads is left
    // out of the page without ending it early.
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Math.min(limit, members.size()); i++) {
      ids.add(string(members.get(i)).substring(prefix.length() + 14));
    }
    List<DeadLetter> letters = new ArrayList<>();
    if (!ids.isEmpty()) {
      byte[][] fields = ids.stream().map(RedisDeadLetters::bytes).toArray(byte[][]::new);
      List<byte[]> values = store.call(() -> store.redis().hmget(store.key("dlq"), fields));
      List<byte[]> by = store.call(() -> store.redis().hmget(store.key("dlq:by"), fields));
      for (int i = 0; i < values.size(); i++) {
        if (values.get(i) != null) {
          letters.add(letter(values.get(i), by.get(i) == null ? "" : string(by.get(i))));
        }
      }
    }
    String next = null;
    if (members.size() > limit) {
      String last = string(members.get(limit - 1)).substring(prefix.length());
      next =
          new DeadLetterCursor(Long.parseLong(last.substring(0, 13)), last.substring(14)).encode();
    }
    return new DeadLetterPage(letters, next);
  }

  @Override
  public Map<DeadLetterReason, Long> countByReason() {
    indexed();
    Map<DeadLetterReason, Long> counts = new EnumMap<>(DeadLetterReason.class);
    for (DeadLetterReason r : DeadLetterReason.values()) {
      long n =
          store.call(
              () ->
                  store
                      .redis()
                      .zlexcount(
                          store.key("dlq:rt"),
                          bytes("[" + r.name() + "|"),
                          bytes("(" + r.name() + "}")));
      if (n > 0) {
        counts.put(r, n);
      }
    }
    return counts;
  }

  /**
   * Lists in the index the letters written before it existed: once per process, and only when the
   * index holds fewer letters than the queue.
   */
  private void indexed() {
    if (indexChecked) {
      return;
    }
    long letters = store.call(() -> store.redis().hlen(store.key("dlq")));
    long listed = store.call(() -> store.redis().hlen(store.key("dlq:ix")));
    if (listed < letters) {
      List<byte[]> keys = new ArrayList<>(List.of(store.key("dlq")));
      keys.addAll(indexKeys());
      for (DeadLetter l : list()) {
        store.eval(RedisScripts.DLQ_REINDEX, keys, List.of(bytes(l.runId()), bytes(member(l))));
      }
    }
    indexChecked = true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<DeadLetter> list() {
    List<DeadLetter> letters = new ArrayList<>();
    List<Object> read =
        (List<Object>)
            store.call(
                () ->
                    store
                        .redis()
                        .eval(
                            bytes(RedisScripts.DLQ_LIST),
                            List.of(store.key("dlq"), store.key("dlq:ord"), store.key("dlq:by")),
                            List.of()));
    List<Object> values = (List<Object>) read.get(0);
    List<Object> declaredBy = (List<Object>) read.get(1);
    for (int i = 0; i < values.size(); i++) {
      byte[] value = (byte[]) values.get(i);
      if (value == null) {
        continue; // listed in order but not in dlq: not a letter
      }
      letters.add(letter(value, i < declaredBy.size() ? string(declaredBy.get(i)) : ""));
    }
    return letters;
  }

  @Override
  public Optional<DeadLetter> find(String runId) {
    byte[] value = store.call(() -> store.redis().hget(store.key("dlq"), bytes(runId)));
    if (value == null) {
      return Optional.empty();
    }
    byte[] by = store.call(() -> store.redis().hget(store.key("dlq:by"), bytes(runId)));
    return Optional.of(letter(value, by == null ? "" : string(by)));
  }

  @SuppressWarnings("unchecked")
  private DeadLetter letter(byte[] value, String declaredBy) {
    Object[] f = Codecs.decode(LETTER, value);
    return new DeadLetter(
        (String) f[0],
        (String) f[1],
        (String) f[2],
        DeadLetterReason.valueOf((String) f[3]),
        (String) f[4],
        declaredBy,
        (Integer) f[5],
        (List<String>) f[6],
        (Instant) f[7],
        (byte[]) f[8]);
  }

  @Override
  public int size() {
    return (int) (long) store.call(() -> store.redis().hlen(store.key("dlq")));
  }

  @Override
  public boolean discard(String runId) {
    RunIds.check(runId);
    List<byte[]> keys =
        new ArrayList<>(List.of(store.key("dlq"), store.key("dlq:ord"), store.key("dlq:by")));
    keys.addAll(indexKeys());
    return store.eval(RedisScripts.DLQ_DISCARD, keys, List.of(bytes(runId))) > 0;
  }
}
