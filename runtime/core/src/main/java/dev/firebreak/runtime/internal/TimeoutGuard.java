package dev.firebreak.runtime.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interrupts a sync step's thread when its timeout fires, without ever interrupting the thread
 * after the step has returned (it may be running something else by then): the timer and the worker
 * race on one compare-and-set, and the loser of the race waits for the winner to finish before the
 * worker clears its interrupt flag.
 */
final class TimeoutGuard extends AtomicInteger implements Runnable, InFlight {
  private static final long serialVersionUID = 1L;
  private static final int RUNNING = 0;
  private static final int DONE = 1;
  private static final int INTERRUPTING = 2;
  private static final int INTERRUPTED = 3;

  private final transient Thread worker;

  TimeoutGuard(Thread worker) {
    this.worker = worker;
  }

  /** The timer fired. */
  @Override
  public void run() {
    if (compareAndSet(RUNNING, INTERRUPTING)) {
      worker.interrupt();
      set(INTERRUPTED);
    }
  }

  /** The run was cancelled: the step is interrupted as if it had timed out. */
  @Override
  public void stop() {
    run();
  }

  /**
   * Called by the worker when the step returned: true if it finished in time. Otherwise the step
   * timed out; this returns once the interrupt has been delivered, with the flag cleared so the
   * thread is clean for its next task.
   */
  boolean finish() {
    if (compareAndSet(RUNNING, DONE)) {
      return true;
    }
    while (get() != INTERRUPTED) {
      Thread.onSpinWait();
    }
    Thread.interrupted();
    return false;
  }
}
