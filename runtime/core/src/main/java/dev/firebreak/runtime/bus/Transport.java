package dev.firebreak.runtime.bus;

import java.util.concurrent.CompletionStage;

/**
 * A message bus of topics (Kafka topics, Redis streams) holding keyed records, read by consumer
 * groups: each record of a topic goes to one member of each group, and one not acknowledged is
 * delivered again, to this member or another, after a crash or a rebalance. Implementations: the
 * Kafka transport ({@code firebreak-kafka}) and Redis Streams ({@code firebreak-redis}).
 */
public interface Transport extends AutoCloseable {
  /**
   * Appends {@code value} under {@code key} to {@code topic}. The stage completes once the bus has
   * the record, or exceptionally if it did not take it, possibly on a thread of the transport's
   * (continue elsewhere with an {@code ...Async} method). Kafka's returns as soon as its producer
   * buffers the record; Redis Streams' once {@code XADD} has answered.
   */
  CompletionStage<Void> publish(String topic, String key, byte[] value);

  /**
   * Starts reading {@code topic} as a member of {@code group}: its records go to {@code receiver},
   * one at a time and in order per key, on a thread of the transport's. A new group starts at the
   * topic's beginning.
   */
  Subscription subscribe(String topic, String group, Receiver receiver);

  /**
   * Starts reading every record published to {@code topic} from now on, outside any group: every
   * listener of the topic gets every record, in order per key, on a thread of the transport's, and
   * acknowledging does nothing (a listener that was away misses what was published meanwhile).
   * Replies to remote steps travel this way. The topic must exist where the bus needs that.
   */
  Subscription listen(String topic, Receiver receiver);

  /** Stops every subscription and releases the transport's connections. */
  @Override
  void close();
}
