package dev.firebreak.runtime.time;

/** A scheduled task that can still be called off. */
@FunctionalInterface
public interface Cancellable {
  /** Cancels the task if it has not run yet; does nothing otherwise. */
  void cancel();
}
