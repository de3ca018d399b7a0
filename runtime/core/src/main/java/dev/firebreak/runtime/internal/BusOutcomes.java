package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.bus.IntakeTopics;
import dev.firebreak.runtime.bus.Transport;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the outcome of every run of one entry point that ends on this node — begun by a request
 * of the intake, by a call, or by another node's request whose run this node took over: the result
 * to {@link IntakeTopics#results()}, and a failed run's dead letter to {@link
 * IntakeTopics#deadLetters()}, keyed by run id. Off the ending thread (it may be the store's
 * writer). A record the bus does not take is sent again, with a pause growing from {@value
 * #FIRST_RETRY_MILLIS} ms to {@value #LONGEST_RETRY_MILLIS} ms, for up to {@link
 * RunJournal#OUTAGE_LIMIT}; then it is logged as an error. A crash between a run's end and its
 * publication loses the message (the run stays in the store): a request sent again with the same
 * key attaches to the ended run and publishes its outcome again.
 */
final class BusOutcomes implements BiConsumer<String, WorkflowResult<Object>> {
  private static final Logger log = LoggerFactory.getLogger("dev.firebreak.runtime.bus");
  static final long FIRST_RETRY_MILLIS = 100;
  static final long LONGEST_RETRY_MILLIS = 5_000;

  private final Engine engine;
  private final BoundPlan plan;
  private final Transport transport;
  private final IntakeTopics topics;
  private final DeadLetterQueue deadLetters;

  /** Messages not yet taken by the bus, so that shutting down can wait for them. */
  private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

  private volatile boolean detached;

  BusOutcomes(
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

  /** Whether there is anything to publish at all. */
  static boolean wanted(IntakeTopics topics) {
    return topics.results() != null || topics.deadLetters() != null;
  }

  @Override
  public void accept(String runId, WorkflowResult<Object> result) {
    if (detached) {
      return;
    }
    if (topics.results() != null) {
      send(runId, "result", () -> publishResult(runId, result));
    }
    if (topics.deadLetters() != null && !result.status().isSuccess()) {
      send(runId, "dead letter", () -> publishDeadLetter(runId));
    }
  }

  private CompletionStage<Void> publishResult(String runId, WorkflowResult<Object> result) {
    byte[] output = result.status().isSuccess() ? plan.outputJson(result.output()) : null;
    return transport.publish(
        topics.results(), runId, BusMessages.result(result, plan.entryPoint(), output));
  }

  /** The letter as stored: none if it was discarded meanwhile (or the run was cancelled). */
  private CompletionStage<Void> publishDeadLetter(String runId) {
    return deadLetters
        .find(runId)
        .map(
            letter ->
                transport.publish(topics.deadLetters(), runId, BusMessages.deadLetter(letter)))
        .orElse(CompletableFuture.completedFuture(null));
  }

  /**
   * Publishes {@code message} on the executor, tracked in {@link #pending} until the bus has it.
   */
  private void send(String runId, String what, Supplier<CompletionStage<Void>> message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    pending.add(done);
    done.whenComplete((ok, never) -> pending.remove(done));
    engine.execute(() -> attempt(runId, what, message, done, engine.scheduler.nanoTime(), 0));
  }

  private void attempt(
      String runId,
      String what,
      Supplier<CompletionStage<Void>> message,
      CompletableFuture<Void> done,
      long since,
      int tries) {
    CompletionStage<Void> sent;
    try {
      sent = message.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(
        (ok, failure) -> {
          if (failure == null) {
            done.complete(null);
            return;
          }
          long waited = engine.scheduler.nanoTime() - since;
          if (detached || waited >= RunJournal.OUTAGE_LIMIT.toNanos()) {
            log.error(
                "run {}: its {} was not published after {} tries",
                RunIds.forLog(runId),
                what,
                tries + 1,
                failure);
            done.complete(null);
            return;
          }
          if (tries == 0) {
            log.warn(
                "run {}: its {} was not published; trying again",
                RunIds.forLog(runId),
                what,
                failure);
          }
          long pause = Math.min(LONGEST_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(tries, 10));
          engine.scheduler.schedule(
              () -> engine.execute(() -> attempt(runId, what, message, done, since, tries + 1)),
              Duration.ofMillis(pause));
        });
  }

  /**
   * Waits up to {@code limit} for the messages not yet taken, then publishes nothing more: the
   * runtime is closing.
   */
  void detach(Duration limit) {
    plan.removeEndListener(this);
    if (!pending.isEmpty() && !limit.isZero()) {
      try {
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .get(limit.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.warn(
            "{} outcomes of {} were not published before closing",
            pending.size(),
            plan.entryPoint());
      }
    }
    detached = true;
  }
}
