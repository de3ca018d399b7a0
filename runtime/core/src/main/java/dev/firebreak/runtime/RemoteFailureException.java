package dev.firebreak.runtime;

import java.util.List;

/**
 * A remote step's agent method threw: its exception crossed the bus as the names of its class and
 * superclasses and its chain of messages. {@code retryOn}, {@code abortOn}, {@code failOn} and
 * {@code skipOn} match it by those names, as they would match the exception itself in process.
 */
public final class RemoteFailureException extends RuntimeException implements RetryAfter {
  private final List<String> types;
  private final List<String> chain;
  private final java.time.Duration retryAfter;

  /**
   * @param types the exception's class and superclasses, most specific first (qualified names)
   * @param chain the messages of the exception and its causes, each "Class: message"
   */
  public RemoteFailureException(List<String> types, List<String> chain) {
    this(types, chain, null);
  }

  /**
   * @param types the exception's class and superclasses, most specific first (qualified names)
   * @param chain the messages of the exception and its causes, each "Class: message"
   * @param retryAfter the delay the remote failure's source asked for before a retry, or null
   */
  public RemoteFailureException(
      List<String> types, List<String> chain, java.time.Duration retryAfter) {
    super(
        (types.isEmpty() ? "a remote failure" : types.get(0))
            + (chain.isEmpty() ? "" : " (remote): " + chain.get(0)),
        null,
        true, // a failed fallback's failure is added to it
        false);
    this.types = List.copyOf(types);
    this.chain = List.copyOf(chain);
    this.retryAfter = retryAfter;
  }

  /** The delay the remote failure's source asked for before a retry (a server's Retry-After). */
  @Override
  public java.util.Optional<java.time.Duration> retryAfter() {
    return java.util.Optional.ofNullable(retryAfter);
  }

  /** The remote exception's class and superclasses, most specific first. */
  public List<String> types() {
    return types;
  }

  /** The remote exception's messages and its causes', outermost first. */
  public List<String> chain() {
    return chain;
  }

  /** Whether the remote exception was a {@code type} (its class or a superclass). */
  public boolean isA(Class<? extends Throwable> type) {
    return types.contains(type.getName());
  }
}
