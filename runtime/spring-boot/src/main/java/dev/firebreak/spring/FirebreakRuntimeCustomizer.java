package dev.firebreak.spring;

import dev.firebreak.runtime.FirebreakRuntime;

/**
 * Adds to the runtime bean the starter builds: every bean of this type sees its builder before it
 * is built (listeners, overrides, an executor) and the runtime once built. A user's own {@link
 * FirebreakRuntime} bean replaces the starter's, and then no customizer is called.
 */
public interface FirebreakRuntimeCustomizer {
  void customize(FirebreakRuntime.Builder builder);

  /** The runtime, just built. */
  default void built(FirebreakRuntime runtime) {}
}
