package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CircuitBreakerState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * The shared breakers in Redis: one hash {@code breaker:<name>} per breaker, swapped by a script
 * that compares its version and, when it writes, PUBLISHes the name on {@code breakers}: the other
 * nodes, subscribed, read that breaker at once instead of at their next poll. A message lost while
 * a subscriber reconnects costs only the wait for the poll: the hash is the truth.
 */
final class RedisBreakerBoard implements BreakerBoard, AutoCloseable {
  /**
   * KEYS: the breaker's hash. ARGV: version, state, open until, trial node, trial until, channel,
   * name.
   */
  static final String SWAP =
      "local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')\n"
          + "if v ~= tonumber(ARGV[1]) - 1 then return 0 end\n"
          + "redis.call('HSET', KEYS[1], 'version', ARGV[1], 'state', ARGV[2], 'open_until', ARGV[3],"
          + " 'trial_node', ARGV[4], 'trial_until', ARGV[5])\n"
          + "redis.call('PUBLISH', ARGV[6], ARGV[7])\n"
          + "return 1\n";

  private static final String[] FIELDS = {
    "version", "state", "open_until", "trial_node", "trial_until"
  };

  private final RedisStore store;
  private final UnifiedJedis redis;
  private final String ns;
  private final AtomicBoolean listening = new AtomicBoolean();
  private volatile boolean closed;
  private volatile JedisPubSub subscription;

  RedisBreakerBoard(RedisStore store, UnifiedJedis redis, String ns) {
    this.store = store;
    this.redis = redis;
    this.ns = ns;
  }

  private String channel() {
    return ns + "breakers";
  }

  @Override
  public Entry swap(Entry next) {
    Object written =
        store.call(
            () ->
                redis.eval(
                    SWAP,
                    List.of(ns + "breaker:" + next.name()),
                    List.of(
                        Long.toString(next.version()),
                        next.state().name(),
                        Long.toString(next.openUntil()),
                        next.trialNode() == null ? "" : next.trialNode(),
                        Long.toString(next.trialUntil()),
                        channel(),
                        next.name())));
    return Long.valueOf(1).equals(written) ? next : read(List.of(next.name())).get(0);
  }

  @Override
  public List<Entry> read(Collection<String> names) {
    List<Entry> out = new ArrayList<>(names.size());
    for (String name : names) {
      List<String> v = store.call(() -> redis.hmget(ns + "breaker:" + name, FIELDS));
      if (v.get(0) == null) {
        out.add(Entry.closed(name));
        continue;
      }
      out.add(
          new Entry(
              name,
              CircuitBreakerState.valueOf(v.get(1)),
              Long.parseLong(v.get(0)),
              Long.parseLong(v.get(2)),
              v.get(3).isEmpty() ? null : v.get(3),
              Long.parseLong(v.get(4))));
    }
    return out;
  }

  /** Subscribes on a thread of its own, subscribing again after a lost connection. */
  @Override
  public void listen(Consumer<String> changed) {
    if (closed || !listening.compareAndSet(false, true)) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              while (!closed) {
                JedisPubSub pubSub =
                    new JedisPubSub() {
                      @Override
                      public void onMessage(String channel, String message) {
                        changed.accept(message);
                      }
                    };
                subscription = pubSub;
                try {
                  redis.subscribe(pubSub, channel());
                } catch (RuntimeException e) {
                  if (closed) {
                    return;
                  }
                  LoggerFactory.getLogger(RedisBreakerBoard.class)
                      .debug("breaker hints: subscription lost; the poll goes on", e);
                  try {
                    Thread.sleep(1000);
                  } catch (InterruptedException interrupted) {
                    return;
                  }
                }
              }
            },
            "firebreak-redis-breaker-hints");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    closed = true;
    JedisPubSub pubSub = subscription;
    if (pubSub != null && pubSub.isSubscribed()) {
      try {
        pubSub.unsubscribe();
      } catch (RuntimeException e) {
        // The connection is gone already.
      }
    }
  }
}
