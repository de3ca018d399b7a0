package dev.firebreak.runtime.redis;

import static dev.firebreak.runtime.redis.RedisStore.bytes;

import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.store.Leases;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The nodes sharing a Redis store: this node's lease in the hash {@code nodes}, the runs it still
 * owns, the runs it takes over from gone nodes, and the runs it hands back when it leaves; each one
 * script ({@link RedisScripts}).
 */
final class RedisNodes {
  private final RedisStore store;

  /** Whether this node's lease exists: the first open registers the node if no heartbeat has. */
  private volatile boolean registered;

  RedisNodes(RedisStore store) {
    this.store = store;
  }

  /** Renews this node's lease (registering it); whether the lease it renews was in force. */
  boolean heartbeat() {
    boolean continuous =
        store.eval(
                RedisScripts.HEARTBEAT,
                List.of(),
                store.claiming(List.of(bytes(Long.toString(leases().millis())))))
            == 1;
    registered = true;
    return continuous;
  }

  /** Registers this node before its first run, if no heartbeat has. */
  void registerOnce() {
    if (!registered) {
      heartbeat();
    }
  }

  /** Of {@code runIds}, those this node still owns, each at a new version. */
  Set<String> confirm(Collection<String> runIds) {
    if (runIds.isEmpty()) {
      return Set.of();
    }
    List<byte[]> args = new ArrayList<>();
    runIds.forEach(id -> args.add(bytes(id)));
    return new LinkedHashSet<>(strings(eval(RedisScripts.CONFIRM, args)));
  }

  /** Takes over at most {@code max} runs of {@code entryPoints} from gone nodes or handed back. */
  List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    if (entryPoints.isEmpty() || max <= 0) {
      return List.of();
    }
    List<byte[]> args = new ArrayList<>();
    args.add(bytes(Integer.toString(max)));
    entryPoints.forEach(e -> args.add(bytes(e)));
    List<RunRecord> taken = new ArrayList<>();
    for (String id : strings(eval(RedisScripts.TAKE_OVER, args))) {
      store.find(id).ifPresent(taken::add);
    }
    return taken;
  }

  /** Hands this node's unfinished runs back and ends its lease. */
  void leave() {
    store.eval(RedisScripts.LEAVE, List.of(), store.claiming(List.of()));
    registered = false;
  }

  private Object eval(String script, List<byte[]> args) {
    return store.call(() -> store.redis().eval(bytes(script), List.of(), store.claiming(args)));
  }

  private Leases leases() {
    return store.leases();
  }

  private static List<String> strings(Object reply) {
    List<String> out = new ArrayList<>();
    if (reply instanceof List<?> list) {
      for (Object o : list) {
        out.add(RedisStore.string(o));
      }
    }
    return out;
  }
}
