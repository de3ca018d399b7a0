package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunTakenOverException;
import dev.firebreak.runtime.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This runtime as one node of several on a store: its heartbeat, the sweep that takes over the runs
 * of gone nodes, and the fence that keeps it from starting a step of a run it may have lost.
 *
 * <p>Every heartbeat interval, on a thread of its own (so that agents filling the executor never
 * delay it): renew the lease; if it had lapsed, confirm which runs in flight are still this node's
 * and end the others with {@link RunTakenOverException}; then take over what gone nodes left, up to
 * the free admission capacity. A step starts only while the last heartbeat is trusted ({@link
 * #mayStart}); otherwise it waits, without a thread, for the next heartbeat that confirms its run.
 *
 * <p>After its own lease lapsed (the store was away, or the process paused), a node sweeps again
 * only once its heartbeats have succeeded for a whole lease: every live node renews before anyone
 * counts it gone.
 */
final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  /** Runs taken over per sweep at most: a backlog is shared among the nodes that sweep. */
  static final int SWEEP_BATCH = 100;

  private final Engine engine;
  private final Scheduler scheduler;
  private final String id;
  private final long intervalNanos;
  private final long trustedNanos;
  private final long leaseNanos;
  private final ExecutorService thread;

  /**
   * Until when (scheduler nanos) a step may start: the last good beat plus what it is trusted for.
   */
  private volatile long trustedUntil;

  /** When the current stretch of good beats began; a lapse starts a new one. */
  private long continuousSince;

  private boolean everBeat;

  /** Lapses found so far; raised after the heartbeat that ends one, before runs are confirmed. */
  private volatile long epoch;

  private volatile boolean stopped;
  private volatile boolean sweeping = true;
  private final ConcurrentLinkedQueue<Runnable> waitingForTrust = new ConcurrentLinkedQueue<>();

  /** This node's breaker states in the store, for consoles; null if the store keeps no values. */
  private final BreakerReports reports;

  Node(Engine engine, String id, Duration lease) {
    this.engine = engine;
    this.scheduler = engine.scheduler;
    this.id = id;
    this.leaseNanos = lease.toNanos();
    this.intervalNanos = leaseNanos / 3;
    this.trustedNanos = leaseNanos - intervalNanos;
    this.trustedUntil = Long.MIN_VALUE;
    this.reports = engine.journal.keyValues().map(v -> new BreakerReports(v, id)).orElse(null);
    ThreadPoolExecutor single =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(1),
            task -> {
              Thread t = new Thread(task, "firebreak-node");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.DiscardPolicy()); // a beat still running makes the next one wait
    this.thread = single;
  }

  String id() {
    return id;
  }

  long epoch() {
    return epoch;
  }

  /**
   * Frees what an earlier process with this node's id left (a pinned id; nothing for a fresh one),
   * beats once, on the caller's thread (the runtime's build), then every interval.
   */
  void start() {
    engine.journal.leave();
    beat();
    scheduleNext();
  }

  private void scheduleNext() {
    if (stopped) {
      return;
    }
    scheduler.schedule(
        () -> {
          if (!stopped) {
            thread.execute(
                () -> {
                  beat();
                  scheduleNext();
                });
          }
        },
        intervalNanos);
  }

  /**
   * Whether a step of {@code run} may start now: the node's lease is trusted, and the run is still
   * this node's since its last lapse (confirmed by the heartbeat that ended the lapse, or here, if
   * it was opened meanwhile). If not, the step is attempted again (on the executor) once that is
   * settled; a run found lost has failed by then. The fast path allocates nothing.
   */
  boolean mayStart(Run run, StepRun sr, long now) {
    if (now < trustedUntil) {
      long current = epoch;
      if (run.epoch == current) {
        return true;
      }
      return confirmLate(run, current, () -> run.retryNow(sr));
    }
    waitingForTrust.add(() -> run.retryNow(sr));
    if (scheduler.nanoTime() < trustedUntil) {
      releaseWaiting(); // a beat restored trust meanwhile and may have missed this one
    }
    return false;
  }

  /** See {@link Engine#stillOwns}. */
  boolean stillOwns(Run run) {
    long current = epoch;
    if (scheduler.nanoTime() < trustedUntil && run.epoch == current) {
      return true;
    }
    if (!engine.journal.confirmWaiting(List.of(run.runId)).contains(run.runId)) {
      return false;
    }
    run.epoch = current;
    return true;
  }

  /**
   * A run this node opened or took while its lease had lapsed, which the heartbeat could not
   * confirm: it is confirmed now, on its own.
   */
  private boolean confirmLate(Run run, long current, Runnable resume) {
    Set<String> kept;
    try {
      kept = engine.journal.confirm(List.of(run.runId));
    } catch (RuntimeException e) {
      log.warn("node {}: cannot confirm run {}; it waits", id, RunIds.forLog(run.runId), e);
      waitingForTrust.add(resume);
      return false;
    }
    if (kept.contains(run.runId)) {
      run.epoch = current;
      return true;
    }
    run.lose(new RunTakenOverException(run.runId, id));
    engine.execute(resume);
    return false;
  }

  private void releaseWaiting() {
    Runnable next;
    while ((next = waitingForTrust.poll()) != null) {
      engine.execute(next);
    }
  }

  /** One heartbeat, then (if the lease had lapsed) the confirmation of runs, then a sweep. */
  void beat() {
    long start = scheduler.nanoTime();
    boolean lapsed = start >= trustedUntil;
    boolean continuous;
    try {
      continuous = engine.journal.heartbeat();
    } catch (RuntimeException e) {
      log.warn("node {}: heartbeat failed; steps wait for the next one", id, e);
      return;
    }
    if (lapsed || !continuous) {
      // After a lapse, others get a whole lease to renew theirs before this node counts them gone;
      // a node that just started has no such doubt.
      continuousSince = everBeat ? start : start - leaseNanos;
      if (everBeat) {
        // Raised after the heartbeat: a run that reads the new epoch is written by a live node.
        epoch++;
        if (!confirmRunsInFlight()) {
          return;
        }
      }
    }
    everBeat = true;
    trustedUntil = start + trustedNanos;
    releaseWaiting();
    report();
    if (sweeping && scheduler.nanoTime() - continuousSince >= leaseNanos) {
      sweep();
    }
  }

  /**
   * After a lapse: the runs in flight the store still gives this node go on; the others were taken
   * over by another node and end here, writing nothing. False if the store could not be asked.
   */
  private boolean confirmRunsInFlight() {
    long current = epoch;
    List<Run> opened = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Run run : engine.runs.values()) {
      if (run.opened) {
        opened.add(run);
        ids.add(run.runId);
      }
    }
    Set<String> kept;
    try {
      kept = engine.journal.confirm(ids);
    } catch (RuntimeException e) {
      log.warn("node {}: cannot confirm its runs after its lease lapsed; retrying", id, e);
      return false;
    }
    for (Run run : opened) {
      if (kept.contains(run.runId)) {
        run.epoch = current;
      } else {
        log.warn(
            "node {}: run {} was taken over while this node's lease had lapsed; it stops here",
            id,
            RunIds.forLog(run.runId));
        run.lose(new RunTakenOverException(run.runId, id));
      }
    }
    return true;
  }

  /** Reports this node's breaker states to the store; a failure costs only the report. */
  private void report() {
    if (reports == null) {
      return;
    }
    try {
      reports.publish(engine.breakerStates(), scheduler.now());
    } catch (RuntimeException e) {
      log.debug("node {}: breaker states not reported", id, e);
    }
  }

  /** Takes over runs of gone nodes, within the free admission capacity, and starts them. */
  private void sweep() {
    int room = Math.min(SWEEP_BATCH, engine.maxInFlightRuns - engine.inFlightRuns());
    if (room <= 0) {
      return;
    }
    try {
      engine.takeOver(room);
    } catch (RuntimeException e) {
      log.warn("node {}: sweep failed", id, e);
    }
  }

  /** No more sweeps: a closing runtime takes no new work. */
  void stopSweeping() {
    sweeping = false;
  }

  /**
   * Stops the heartbeat; the store keeps the lease until it ends or {@code leave} hands it back.
   */
  void stop() {
    stopped = true;
    thread.shutdown();
    try {
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (reports != null) {
      try {
        reports.remove();
      } catch (RuntimeException e) {
        log.debug("node {}: breaker report not taken away", id, e);
      }
    }
  }
}
