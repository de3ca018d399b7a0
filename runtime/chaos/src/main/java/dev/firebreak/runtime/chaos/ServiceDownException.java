package dev.firebreak.runtime.chaos;

/** Thrown by a service during an injected outage. */
public class ServiceDownException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ServiceDownException(String message) {
    super(message);
  }
}
