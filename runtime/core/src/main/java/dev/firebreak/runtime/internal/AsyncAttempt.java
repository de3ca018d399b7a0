package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.time.Cancellable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * An attempt of an async step in flight: ended by its stage or by its timeout, whichever comes
 * first; a cancellation of the run stops it like a timeout. The run goes on on the executor, never
 * on the thread that completed the agent's stage.
 */
final class AsyncAttempt implements BiConsumer<Object, Throwable>, InFlight {
  private final AtomicBoolean done = new AtomicBoolean();
  private final Run run;
  private final StepRun sr;
  private final Breaker breaker;
  private final long permit;
  private final long started;
  private final long timeout;
  private final CompletionStage<?> stage;
  private volatile Cancellable timer;

  private AsyncAttempt(
      Run run,
      StepRun sr,
      Breaker breaker,
      long permit,
      long started,
      long timeout,
      CompletionStage<?> stage) {
    this.run = run;
    this.sr = sr;
    this.breaker = breaker;
    this.permit = permit;
    this.started = started;
    this.timeout = timeout;
    this.stage = stage;
  }

  /**
   * Calls the async step of {@code sr}. A stage that is already complete ends the attempt on this
   * thread, as a sync step would; otherwise the attempt waits, holding no thread.
   */
  static int start(Run run, StepRun sr, Breaker breaker, long permit, long started, long timeout) {
    CompletionStage<?> stage;
    run.putMdc(sr.index);
    try {
      stage = run.plan.bindings[sr.index].asyncCall().call(run.slots, sr);
      if (stage == null) {
        throw new NullPointerException(
            "step '"
                + run.plan.steps[sr.index].name()
                + "'"
                + run.plan.declaredByNotes[sr.index]
                + " returned a null CompletionStage");
      }
    } catch (Throwable t) {
      return Attempt.ended(run, sr, breaker, permit, started, null, t);
    } finally {
      run.clearMdc();
    }
    if (stage instanceof CompletableFuture<?> && ((CompletableFuture<?>) stage).isDone()) {
      Object value = null;
      Throwable error = null;
      try {
        value = ((CompletableFuture<?>) stage).join();
      } catch (CompletionException | CancellationException e) {
        error = Attempt.unwrap(e);
      }
      return Attempt.ended(run, sr, breaker, permit, started, value, error);
    }
    AsyncAttempt pending = new AsyncAttempt(run, sr, breaker, permit, started, timeout, stage);
    pending.timer = run.engine.scheduler.schedule(pending::timeout, timeout);
    sr.inFlight = pending;
    stage.whenComplete(pending);
    if (run.isCancelled()) {
      pending.stop();
    }
    return Run.NONE;
  }

  /** The stage completed. */
  @Override
  public void accept(Object value, Throwable error) {
    if (done.compareAndSet(false, true)) {
      cancelTimer();
      run.execute(() -> run.drive(ended(value, Attempt.unwrap(error))));
    }
  }

  private void timeout() {
    end(Attempt.timedOut(run, sr, timeout, null));
  }

  /** The run was cancelled. */
  @Override
  public void stop() {
    end(run.cancellation());
  }

  /** Ends the attempt with {@code error} before its stage did; the stage is cancelled. */
  private void end(Throwable error) {
    if (done.compareAndSet(false, true)) {
      cancelTimer();
      try {
        stage.toCompletableFuture().cancel(true);
      } catch (UnsupportedOperationException ignored) {
        // A stage that cannot be cancelled keeps running; its result is ignored.
      }
      run.execute(() -> run.drive(ended(null, error)));
    }
  }

  /** {@link Attempt#ended}, away from the attempt loop: a retry at once starts here. */
  private int ended(Object value, Throwable error) {
    int next = Attempt.ended(run, sr, breaker, permit, started, value, error);
    return next == Run.RETRY ? Attempt.attempt(run, sr) : next;
  }

  private void cancelTimer() {
    Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
  }
}
