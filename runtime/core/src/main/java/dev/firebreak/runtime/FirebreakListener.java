package dev.firebreak.runtime;

/**
 * Receives the runtime's {@link FirebreakEvent}s, on the thread where they happen: keep it fast and
 * non-blocking. A listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface FirebreakListener {
  void onEvent(FirebreakEvent event);
}
