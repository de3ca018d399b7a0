package dev.firebreak.runtime.bus;

/**
 * An entry point bound to a topic of requests ({@code FirebreakRuntime.intake}). Each request
 * starts a run named by its key; the request is acknowledged only once the run is durably opened in
 * the store, so a crash delivers it again and the redelivery attaches to the run, never starting a
 * second one. A runtime at its limit of runs in flight pauses the subscription, never drops a
 * request. A request that cannot be read (no key, a bad run id, inputs that do not decode) becomes
 * a dead letter named by its topic and position, and is acknowledged: it never stalls its
 * partition, and never touches a run of the same key.
 *
 * <p>The outcome of every run of the entry point that ends on this node is published, keyed by run
 * id: whether a request here began it, a call, or another node's request whose run this node took
 * over after that node died. So bind the intake on every node that binds the workflow. A run's
 * outcome is published at least once, except after a crash between its end and its publication: a
 * request sent again with the same key then attaches to the ended run and publishes it again.
 */
public interface Intake extends AutoCloseable {
  /** Requests that started (or attached to) a run so far. */
  long started();

  /** Requests refused as unreadable so far. */
  long poisoned();

  /** Whether the subscription is paused because the runtime is full. */
  boolean paused();

  /**
   * Requests delivered and waiting here for room in the runtime: at most about one fetch, since the
   * subscription is paused meanwhile.
   */
  int waiting();

  /**
   * Leaves the group: requests not yet acknowledged go to the other nodes. Outcomes of runs that
   * end here are still published until the runtime closes.
   */
  @Override
  void close();
}
