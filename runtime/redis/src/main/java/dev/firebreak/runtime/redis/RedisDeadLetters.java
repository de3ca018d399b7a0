package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.codec.Codecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dead-letter queue of a {@link RedisStore}, under its namespace: letters in the hash {@code
 * dlq} (run id to the encoded letter), their order in {@code dlq:ord}, each letter's declaring
 * method in {@code dlq:by}. A run's end and its letter are written by one script of the store.
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

  @Override
  public void add(DeadLetter l) {
    store.eval(
        RedisScripts.DLQ_ADD,
        List.of(store.key("dlq"), store.key("dlq:ord"), store.key("dlq:seq"), store.key("dlq:by")),
        List.of(bytes(l.runId()), encode(l), bytes(l.declaredBy())));
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
    return store.eval(
            RedisScripts.DLQ_DISCARD,
            List.of(store.key("dlq"), store.key("dlq:ord"), store.key("dlq:by")),
            List.of(bytes(runId)))
        > 0;
  }
}
