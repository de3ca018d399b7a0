package dev.firebreak.runtime.store;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetterQueue;

class InMemoryStoreTest extends StoreContract implements RunQueriesContract {
  private final InMemoryDeadLetterQueue queue = new InMemoryDeadLetterQueue();

  @Override
  protected CheckpointStore newStore() {
    return new InMemoryCheckpointStore();
  }

  @Override
  public CheckpointStore storeWithClock(java.time.Clock clock) {
    return new InMemoryCheckpointStore(clock::instant);
  }

  @org.junit.jupiter.api.Test
  void runsOpenedWithinOneMillisecondOfAFinerClockArePagedWithoutGapsOrRepeats() {
    java.time.Instant ms = java.time.Instant.parse("2026-12-01T10:00:00.001Z");
    java.util.Iterator<java.time.Instant> times =
        java.util.List.of(ms.plusNanos(900_000), ms.plusNanos(500_000), ms.plusNanos(100_000))
            .iterator();
    CheckpointStore store = new InMemoryCheckpointStore(times::next);
    for (String id : java.util.List.of("b", "m", "a")) {
      store.open(id, "wf", "process", "h", null);
    }
    java.util.List<String> seen = new java.util.ArrayList<>();
    dev.firebreak.runtime.RunQuery query = dev.firebreak.runtime.RunQuery.all().limit(1);
    for (int page = 0; page < 3; page++) {
      dev.firebreak.runtime.RunPage p = store.listRuns(query);
      seen.add(p.runs().get(0).runId());
      if (p.hasNext()) {
        query = query.after(p.nextCursor());
      }
    }
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("m", "b", "a"), seen);
  }

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return queue;
  }
}
