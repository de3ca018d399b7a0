package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.OverloadedException;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Intake;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.bus.Subscription;
import dev.firebreak.runtime.bus.Transport;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Intake} of one entry point: each request starts (or attaches to) the run its key
 * names, and is acknowledged once the run is in the store. While the runtime is full, requests wait
 * here in arrival order and the subscription is paused (so they are at most one fetch's worth); a
 * run ending, or a look every {@value #RETRY_MILLIS} ms, lets them in again.
 */
public final class BusIntake implements Intake {
  private static final Logger log = LoggerFactory.getLogger("dev.firebreak.runtime.bus");

  /** How often waiting requests try again while the runtime stays full for other reasons. */
  static final long RETRY_MILLIS = 50;

  /** How long a request whose run the store could not open waits before it is offered again. */
  static final long STORE_RETRY_MILLIS = 500;

  private final Engine engine;
  private final BoundPlan plan;
  private final Transport transport;
  private final IntakeTopics topics;
  private final DeadLetterQueue deadLetters;

  /** Guards {@link #waiting} and the pause state: the transport's thread and run endings meet. */
  private final ReentrantLock lock = new ReentrantLock();

  private final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
  private volatile boolean pausedNow;
  private boolean retryScheduled;
  private volatile boolean closed;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong poisoned = new AtomicLong();
  private Subscription subscription;
  private BusOutcomes outcomes;

  private BusIntake(
      Engine engine,
      BoundPlan plan,
      Transport transport,
      IntakeTopics topics,
      DeadLetterQueue deadLetters) {
    this.engine = engine;
    this.plan = plan;
    this.transport = transport;
    this.topics = topics;
    this.deadLetters = deadLetters;
  }

  /** Binds {@code workflow.entryPoint}, bound on {@code engine}, to {@code topics.requests()}. */
  public static BusIntake start(
      Engine engine,
      String workflow,
      String entryPoint,
      Transport transport,
      IntakeTopics topics,
      DeadLetterQueue deadLetters) {
    BoundPlan plan = engine.boundPlan(workflow, entryPoint);
    plan.requireInputCodecs();
    BusIntake intake = new BusIntake(engine, plan, transport, topics, deadLetters);
    if (BusOutcomes.wanted(topics)) {
      intake.outcomes = new BusOutcomes(engine, plan, transport, topics, deadLetters);
      plan.addEndListener(intake.outcomes);
    }
    plan.addEndListener(intake.onRunEnd);
    try {
      intake.subscription = transport.subscribe(topics.requests(), topics.group(), intake::receive);
    } catch (RuntimeException | Error e) {
      plan.removeEndListener(intake.onRunEnd); // nothing of this intake stays behind
      if (intake.outcomes != null) {
        plan.removeEndListener(intake.outcomes);
      }
      throw e;
    }
    return intake;
  }

  /** On the transport's thread, in order. */
  private void receive(Delivery delivery) {
    lock.lock();
    try {
      if (closed) {
        return; // not acknowledged: another node's, after this one leaves
      }
      if (!waiting.isEmpty() || !offer(delivery)) {
        waiting.addLast(delivery);
        pause();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Starts the request's run; false if the runtime is full (the request is left untouched). */
  private boolean offer(Delivery delivery) {
    String runId = delivery.key();
    Object[] inputs;
    try {
      if (runId == null) {
        throw new IllegalArgumentException("the request has no key: its key names the run");
      }
      RunIds.check(runId);
      inputs = plan.inputsFromJson(delivery.value());
    } catch (IllegalArgumentException e) {
      poison(delivery, e);
      return true;
    }
    if (engine.closing()) {
      return false; // left unacknowledged: another node takes it
    }
    Run run;
    try {
      run = plan.startFromBus(runId, inputs);
    } catch (OverloadedException e) {
      return false;
    } catch (RuntimeException e) {
      if (engine.closing()) {
        return false; // shut down since the look above: not the request's fault
      }
      // A null input, a run id already used by another entry point: the request cannot start.
      poison(delivery, e);
      return true;
    }
    started.incrementAndGet();
    run.stored.whenComplete(
        (ok, refused) -> {
          if (refused == null) {
            delivery.ack();
          } else {
            refusedByStore(delivery, refused);
          }
        });
    return true;
  }

  /**
   * The store refused the run: an id another entry point uses, a graph that changed, are for good
   * (a dead letter, acknowledged); a store away is not: the request, still unacknowledged, is
   * offered again after {@value #STORE_RETRY_MILLIS} ms, until the store takes the run.
   */
  private void refusedByStore(Delivery delivery, Throwable refused) {
    if (refused instanceof dev.firebreak.runtime.StoreUnavailableException) {
      log.warn(
          "request {}@{}: the store is away; trying again in {} ms",
          delivery.topic(),
          delivery.position(),
          STORE_RETRY_MILLIS,
          refused);
      engine.scheduler.schedule(
          () -> {
            lock.lock();
            try {
              if (!closed) {
                waiting.addFirst(delivery);
              }
            } finally {
              lock.unlock();
            }
            drain();
          },
          Duration.ofMillis(STORE_RETRY_MILLIS));
      return;
    }
    poison(delivery, refused);
  }

  /** A run of the entry point ended here: its room may let a waiting request in. */
  private final BiConsumer<String, WorkflowResult<Object>> onRunEnd = this::runEnded;

  private void runEnded(String runId, WorkflowResult<Object> result) {
    if (pausedNow && !closed) {
      drain(); // on the ending thread, at once: nothing in it blocks (a poison request's letter is
      // written on the executor)
    }
  }

  /**
   * Lets waiting requests in while the runtime has room; resumes the subscription once none wait.
   */
  private void drain() {
    lock.lock();
    try {
      // Taken off the queue before it is offered: a run that ends at once calls back into drain()
      // on this thread (the lock is reentrant), which must see the queue without it.
      while (!waiting.isEmpty() && !closed) {
        Delivery next = waiting.pollFirst();
        if (!offer(next)) {
          waiting.addFirst(next);
          scheduleRetry();
          return;
        }
      }
      if (pausedNow && !closed) {
        pausedNow = false;
        subscription.resume();
      }
    } finally {
      lock.unlock();
    }
  }

  private void pause() {
    if (!pausedNow) {
      pausedNow = true;
      subscription.pause();
    }
    scheduleRetry();
  }

  private void scheduleRetry() {
    if (!retryScheduled) {
      retryScheduled = true;
      engine.scheduler.schedule(
          () -> {
            lock.lock();
            try {
              retryScheduled = false;
            } finally {
              lock.unlock();
            }
            drain();
          },
          Duration.ofMillis(RETRY_MILLIS));
    }
  }

  /**
   * A request that cannot start a run: a dead letter named by its topic and position (never by its
   * key, which may name a real run), published, and acknowledged so that it never stalls its
   * partition.
   */
  private void poison(Delivery delivery, Throwable why) {
    // Off this thread: it may be a run's ending thread, even the store's writer.
    engine.execute(() -> poisonNow(delivery, why));
  }

  private void poisonNow(Delivery delivery, Throwable why) {
    String id = "poison:" + delivery.topic() + "@" + delivery.position();
    DeadLetter letter =
        new DeadLetter(
            id,
            plan.workflow(),
            plan.entryPoint(),
            DeadLetterReason.INVALID_INPUT,
            "",
            0,
            List.of(
                "request "
                    + delivery.topic()
                    + "@"
                    + delivery.position()
                    + " (key "
                    + (delivery.key() == null ? "none" : RunIds.forLog(delivery.key()))
                    + ") cannot start a run: "
                    + why.getMessage()),
            engine.scheduler.now());
    try {
      deadLetters.add(letter);
    } catch (RuntimeException e) {
      // Left unacknowledged (a Kafka partition commits no further until it is), and tried again.
      log.warn("request {}: not dead-lettered; trying again in {} ms", id, STORE_RETRY_MILLIS, e);
      engine.scheduler.schedule(
          () -> {
            if (!closed) {
              poison(delivery, why);
            }
          },
          Duration.ofMillis(STORE_RETRY_MILLIS));
      return;
    }
    engine.events.deadLettered(letter, "an unreadable request");
    publishPoison(delivery, letter);
  }

  /** Publishes the letter, if wanted; the request is acknowledged once the bus has it. */
  private void publishPoison(Delivery delivery, DeadLetter letter) {
    java.util.concurrent.CompletionStage<Void> sent;
    try {
      sent =
          topics.deadLetters() == null
              ? java.util.concurrent.CompletableFuture.completedFuture(null)
              : transport.publish(
                  topics.deadLetters(), letter.runId(), BusMessages.deadLetter(letter));
    } catch (RuntimeException e) {
      sent = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ok, failure) -> {
          if (failure == null) {
            poisoned.incrementAndGet();
            delivery.ack();
            return;
          }
          log.warn(
              "request {}: its dead letter was not published; trying again in {} ms",
              letter.runId(),
              STORE_RETRY_MILLIS,
              failure);
          engine.scheduler.schedule(
              () -> {
                if (!closed) {
                  engine.execute(() -> publishPoison(delivery, letter));
                }
              },
              Duration.ofMillis(STORE_RETRY_MILLIS));
        });
  }

  @Override
  public long started() {
    return started.get();
  }

  @Override
  public long poisoned() {
    return poisoned.get();
  }

  @Override
  public boolean paused() {
    lock.lock();
    try {
      return pausedNow;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int waiting() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      waiting.clear();
    } finally {
      lock.unlock();
    }
    plan.removeEndListener(onRunEnd);
    subscription.close();
  }

  /**
   * Stops publishing outcomes, once those not yet taken by the bus are, or {@code limit} is over:
   * the runtime closes, after its runs in flight had their grace period. Until then, runs of the
   * entry point that end here are published even after {@link #close}.
   */
  public void detach(Duration limit) {
    if (outcomes != null) {
      outcomes.detach(limit);
    }
  }
}
