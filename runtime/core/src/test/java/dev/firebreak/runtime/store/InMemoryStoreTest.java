package dev.firebreak.runtime.store;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetterQueue;

class InMemoryStoreTest extends StoreContract {
  private final InMemoryDeadLetterQueue queue = new InMemoryDeadLetterQueue();

  @Override
  protected CheckpointStore newStore() {
    return new InMemoryCheckpointStore();
  }

  @Override
  protected DeadLetterQueue deadLettersOf(CheckpointStore store) {
    return queue;
  }
}
