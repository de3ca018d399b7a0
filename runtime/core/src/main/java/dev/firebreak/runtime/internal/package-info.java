/**
 * The engine behind {@link dev.firebreak.runtime.FirebreakRuntime}. Public only so the runtime's
 * packages can share it: not an API, and it changes without notice.
 */
package dev.firebreak.runtime.internal;
