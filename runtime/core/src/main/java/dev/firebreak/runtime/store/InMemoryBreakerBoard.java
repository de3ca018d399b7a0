package dev.firebreak.runtime.store;

import dev.firebreak.runtime.BreakerBoard;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared breaker records in this process's memory: for runtimes in one JVM (tests), and the {@link
 * InMemoryCheckpointStore}'s board.
 */
public final class InMemoryBreakerBoard implements BreakerBoard {
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  @Override
  public Entry swap(Entry next) {
    Entry stored =
        entries.compute(
            next.name(),
            (name, was) -> (was == null ? 0 : was.version()) == next.version() - 1 ? next : was);
    return stored != null ? stored : Entry.closed(next.name());
  }

  @Override
  public List<Entry> read(Collection<String> names) {
    List<Entry> out = new ArrayList<>(names.size());
    for (String name : names) {
      out.add(entries.getOrDefault(name, Entry.closed(name)));
    }
    return out;
  }
}
