/**
 * The engine behind {@link dev.firebreak.runtime.FirebreakRuntime}: not an API. The module {@code
 * dev.firebreak.runtime} does not export it; its few public types are public only for the runtime's
 * other packages.
 */
package dev.firebreak.runtime.internal;
