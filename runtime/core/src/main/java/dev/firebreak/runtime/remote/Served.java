package dev.firebreak.runtime.remote;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Subscription;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.internal.CallMessages;
import dev.firebreak.runtime.time.Cancellable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One agent served by a {@link FirebreakWorker}: each call is claimed by its idempotency key, then
 * answered from the record (done before), re-checked every {@value #RECHECK_MILLIS} ms (another
 * worker runs it now), or run.
 */
final class Served {
  static final long RECHECK_MILLIS = 50;

  private final FirebreakWorker worker;
  private final AgentDispatch agent;
  Subscription subscription;

  Served(FirebreakWorker worker, AgentDispatch agent) {
    this.worker = worker;
    this.agent = agent;
  }

  /** On the worker's executor; ends with {@link FirebreakWorker#ended()} whatever happens. */
  void serve(Delivery delivery) {
    CallMessages.Call call;
    try {
      call = CallMessages.readCall(delivery.value());
    } catch (IllegalArgumentException e) {
      FirebreakWorker.log.warn(
          "call {}@{} dropped: {}", delivery.topic(), delivery.position(), e.getMessage());
      delivery.ack(); // no reply is possible: the orchestrator's timeout ends the attempt
      worker.ended();
      return;
    }
    try {
      claimAndRun(call, delivery);
    } catch (RuntimeException e) {
      // The records are out of reach: unacknowledged, the call comes again.
      FirebreakWorker.log.warn("call {} of {} not served", call.callId(), call.step(), e);
      worker.ended();
    }
  }

  private void claimAndRun(CallMessages.Call call, Delivery delivery) {
    Instant now = worker.scheduler.now();
    if (!call.timeoutAt().isAfter(now) || worker.isClosed()) {
      // The orchestrator has given this attempt up (a retry is a new call), or this worker leaves.
      if (!worker.isClosed()) {
        delivery.ack();
      }
      worker.ended();
      return;
    }
    CallRecords.Claim claim =
        worker.records.claim(
            call.idempotencyKey(), worker.workerId, now, now.plus(worker.claimLease));
    switch (claim.state()) {
      case DONE -> {
        worker.answeredFromRecord.incrementAndGet();
        reply(
            call,
            delivery,
            new CallMessages.Reply(
                call.callId(), call.idempotencyKey(), claim.output(), List.of(), List.of()));
      }
      case BUSY ->
          worker.scheduler.schedule(
              () -> worker.executor.execute(() -> serveAgain(call, delivery)),
              Duration.ofMillis(RECHECK_MILLIS));
      case CLAIMED -> run(call, delivery);
    }
  }

  private void serveAgain(CallMessages.Call call, Delivery delivery) {
    try {
      claimAndRun(call, delivery);
    } catch (RuntimeException e) {
      FirebreakWorker.log.warn("call {} of {} not served", call.callId(), call.step(), e);
      worker.ended();
    }
  }

  /** Calls the agent method, holding the claim while it runs. */
  private void run(CallMessages.Call call, Delivery delivery) {
    Renewal renewal = new Renewal(call.idempotencyKey());
    Object output;
    try {
      Object[] inputs = inputs(call);
      output = agent.call(call.step(), inputs, new Context(call));
    } catch (Exception | Error e) {
      renewal.stop();
      failed(call, delivery, e);
      return;
    }
    if (output instanceof CompletionStage<?> stage) {
      stage.whenComplete(
          (value, failure) -> {
            renewal.stop();
            if (failure == null) {
              succeeded(call, delivery, value);
            } else {
              failed(call, delivery, unwrap(failure));
            }
          });
      return;
    }
    renewal.stop();
    succeeded(call, delivery, output);
  }

  private Object[] inputs(CallMessages.Call call) {
    List<CheckpointCodec<?>> codecs = agent.inputCodecs(call.step());
    if (codecs == null) {
      throw new IllegalArgumentException("agent " + agent.agent() + " has no step " + call.step());
    }
    if (codecs.size() != call.inputs().size()) {
      throw new IllegalArgumentException(
          "step "
              + call.step()
              + " takes "
              + codecs.size()
              + " inputs, the call has "
              + call.inputs().size());
    }
    Object[] inputs = new Object[codecs.size()];
    for (int k = 0; k < inputs.length; k++) {
      inputs[k] = Codecs.fromJson(codecs.get(k), call.inputs().get(k));
    }
    return inputs;
  }

  @SuppressWarnings("unchecked")
  private void succeeded(CallMessages.Call call, Delivery delivery, Object value) {
    byte[] json;
    try {
      json = Codecs.toJson((CheckpointCodec<Object>) agent.outputCodec(call.step()), value);
      Instant keep =
          call.deadline() != null
              ? call.deadline()
              : worker.scheduler.now().plus(worker.keepOutputs);
      worker.records.done(
          call.idempotencyKey(), json, keep.isAfter(call.timeoutAt()) ? keep : call.timeoutAt());
    } catch (RuntimeException e) {
      failed(call, delivery, e);
      return;
    }
    reply(
        call,
        delivery,
        new CallMessages.Reply(call.callId(), call.idempotencyKey(), json, List.of(), List.of()));
  }

  private void failed(CallMessages.Call call, Delivery delivery, Throwable failure) {
    try {
      worker.records.release(call.idempotencyKey(), worker.workerId);
    } catch (RuntimeException e) {
      FirebreakWorker.log.warn(
          "the claim of {} was not released; it lapses", call.idempotencyKey(), e);
    }
    reply(call, delivery, CallMessages.failed(call, failure));
  }

  /** Publishes the reply; the call is acknowledged once the bus has it. */
  private void reply(CallMessages.Call call, Delivery delivery, CallMessages.Reply reply) {
    worker
        .transport
        .publish(call.replyTo(), call.idempotencyKey(), CallMessages.write(reply))
        .whenComplete(
            (ok, failure) -> {
              if (failure == null) {
                delivery.ack();
              } else {
                // Unacknowledged: delivered again, and answered from the record if it succeeded.
                FirebreakWorker.log.warn(
                    "the reply to call {} was not published", call.callId(), failure);
              }
              worker.ended();
            });
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** Keeps a running call's claim alive, every third of the lease, until stopped. */
  private final class Renewal {
    private final String key;
    private volatile boolean stopped;
    private volatile Cancellable next;

    Renewal(String key) {
      this.key = key;
      schedule();
    }

    private void schedule() {
      next =
          worker.scheduler.schedule(
              () -> worker.executor.execute(this::renew), worker.claimLease.dividedBy(3));
    }

    private void renew() {
      if (stopped) {
        return;
      }
      try {
        if (!worker.records.renew(
            key, worker.workerId, worker.scheduler.now().plus(worker.claimLease))) {
          FirebreakWorker.log.warn("call {} lost its claim while running", key);
          return;
        }
      } catch (RuntimeException e) {
        FirebreakWorker.log.warn("renewing the claim of {} failed", key, e);
      }
      schedule();
    }

    void stop() {
      stopped = true;
      Cancellable n = next;
      if (n != null) {
        n.cancel();
      }
    }
  }

  /** What the agent method sees of its call. */
  private final class Context implements StepContext {
    private final CallMessages.Call call;

    Context(CallMessages.Call call) {
      this.call = call;
    }

    @Override
    public String runId() {
      return call.runId();
    }

    @Override
    public String workflow() {
      return call.workflow();
    }

    @Override
    public String stepName() {
      return call.step();
    }

    @Override
    public int attempt() {
      return call.attempt();
    }

    @Override
    public String idempotencyKey() {
      return call.idempotencyKey();
    }

    @Override
    public Optional<Instant> deadline() {
      return Optional.ofNullable(call.deadline());
    }

    @Override
    public Optional<Duration> remaining() {
      return deadline().map(d -> Duration.between(worker.scheduler.now(), d));
    }
  }
}
