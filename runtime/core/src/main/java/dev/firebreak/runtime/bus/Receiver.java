package dev.firebreak.runtime.bus;

/** Where a subscription's records go. */
@FunctionalInterface
public interface Receiver {
  /**
   * Takes one record, on the transport's thread: must not block. A record is taken for good only
   * once {@link Delivery#ack acknowledged}; until then the bus may deliver it again.
   */
  void receive(Delivery delivery);
}
