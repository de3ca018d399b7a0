package dev.firebreak.runtime.postgres;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.store.ForwardingCheckpointStore;
import java.util.function.LongConsumer;

/**
 * A store that tells the cluster worker when a heartbeat returns after this node's lease had
 * lapsed: from then on the fence has confirmed the node's runs, and a step of a lost run that
 * starts later is a stale owner's step.
 */
final class LapseRecordingStore extends ForwardingCheckpointStore {
  private final LongConsumer lapseEnded;
  private boolean first = true;

  LapseRecordingStore(CheckpointStore store, LongConsumer lapseEnded) {
    super(store);
    this.lapseEnded = lapseEnded;
  }

  @Override
  public boolean heartbeat() {
    boolean continuous = delegate.heartbeat();
    if (!continuous && !first) {
      lapseEnded.accept(System.currentTimeMillis());
    }
    first = false;
    return continuous;
  }
}
