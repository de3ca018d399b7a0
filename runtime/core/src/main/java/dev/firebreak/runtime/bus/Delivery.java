package dev.firebreak.runtime.bus;

/** One record as a subscription delivers it. */
public interface Delivery {
  String topic();

  /** The record's key; null if it has none. */
  String key();

  /** The record's value; null if it has none. */
  byte[] value();

  /**
   * Where the record stands in its topic, unique there: {@code partition:offset} on Kafka, the
   * entry id on Redis.
   */
  String position();

  /**
   * Acknowledges the record: the group will not deliver it again. May be called from any thread, in
   * any order.
   */
  void ack();
}
