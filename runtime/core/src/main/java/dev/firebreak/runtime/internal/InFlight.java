package dev.firebreak.runtime.internal;

/** The attempt a step has running now, which a cancellation of its run stops. */
interface InFlight {
  /** Stops the attempt: interrupts a sync step's thread, cancels an async step's stage. */
  void stop();
}
