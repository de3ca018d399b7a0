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

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return queue;
  }
}
