package dev.firebreak.runtime;

/**
 * The store could not be reached (a connection refused or dropped, a server shutting down): the
 * write may or may not have been applied. The runtime waits and tries again, so a store that is
 * briefly away costs runs a wait, not a failure; a store throws it only for such faults, never for
 * a refused write.
 */
public class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether {@code error}, or an exception it was caused by, is a {@link java.sql.SQLException}
   * whose SQL state says the connection failed (class 08) or the server is shutting down or
   * starting (57P01, 57P02, 57P03).
   */
  public static boolean isConnectionFailure(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StoreUnavailableException) {
        return true;
      }
      if (t instanceof java.sql.SQLException e && e.getSQLState() != null) {
        String state = e.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P0")) {
          return true;
        }
      }
    }
    return false;
  }
}
