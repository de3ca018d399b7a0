package dev.firebreak.runtime.store;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dead letters in this process's memory: for tests and for runs that may be lost with the process.
 */
public final class InMemoryDeadLetterQueue implements DeadLetterQueue {
  private record Entry(long seq, DeadLetter letter) {}

  private final ConcurrentHashMap<String, Entry> letters = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();

  @Override
  public void add(DeadLetter letter) {
    letters.put(letter.runId(), new Entry(sequence.incrementAndGet(), letter));
  }

  @Override
  public List<DeadLetter> list() {
    List<Entry> entries = new ArrayList<>(letters.values());
    entries.sort(Comparator.comparingLong(Entry::seq));
    List<DeadLetter> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      out.add(e.letter());
    }
    return out;
  }

  @Override
  public java.util.Optional<DeadLetter> find(String runId) {
    return java.util.Optional.ofNullable(letters.get(runId)).map(Entry::letter);
  }

  @Override
  public int size() {
    return letters.size();
  }

  @Override
  public boolean discard(String runId) {
    return letters.remove(RunIds.check(runId)) != null;
  }
}
