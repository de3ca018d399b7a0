package dev.firebreak.runtime.remote;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.RemoteFailureException;
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
 * One agent served by a {@link FirebreakWorker}: each call (of a step, its fallback or its
 * compensation) is claimed by its {@linkplain CallMessages.Call#recordKey() record key}, then
 * answered from the record (done before), re-checked every {@value #RECHECK_MILLIS} ms (another
 * worker runs it now), or run.
 */
final class Served {
  static final long RECHECK_MILLIS = 50;

  /** How long a call waits when the records or the bus failed it, before it is tried again. */
  static final long RETRY_MILLIS = 500;

  /** The output a compensation's reply carries. */
  private static final byte[] COMPENSATED =
      "null".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private final FirebreakWorker worker;
  private final AgentDispatch agent;
  Subscription subscription;

  Served(FirebreakWorker worker, AgentDispatch agent) {
    this.worker = worker;
    this.agent = agent;
  }

  /** On the worker's executor; ends with {@link #finish} whatever happens. */
  void serve(Delivery delivery) {
    CallMessages.Call call;
    try {
      call = CallMessages.readCall(delivery.value());
    } catch (IllegalArgumentException e) {
      FirebreakWorker.log.warn(
          "call {}@{} unreadable: {}", delivery.topic(), delivery.position(), e.getMessage());
      java.util.Optional<CallMessages.Call> address = CallMessages.replyAddress(delivery.value());
      if (address.isPresent()) {
        unreadable(address.get(), delivery, e);
      } else {
        finish(delivery, true); // no reply is possible: the caller's timeout ends the attempt
      }
      return;
    }
    serve(call, delivery);
  }

  /** Answers a call that does not read as one with that failure, once (no retry of the reply). */
  private void unreadable(CallMessages.Call address, Delivery delivery, Exception why) {
    CompletionStage<Void> sent;
    try {
      sent =
          worker.transport.publish(
              address.replyTo(),
              address.idempotencyKey() == null ? address.callId() : address.idempotencyKey(),
              CallMessages.write(CallMessages.failed(address, why)));
    } catch (RuntimeException e) {
      sent = java.util.concurrent.CompletableFuture.failedFuture(e);
    }
    sent.whenComplete((ok, failure) -> finish(delivery, true));
  }

  private void serve(CallMessages.Call call, Delivery delivery) {
    try {
      claimAndRun(call, delivery);
    } catch (RuntimeException e) {
      // The records are out of reach: the call is tried again while its attempt lasts.
      FirebreakWorker.log.warn("call {} of {} not served yet", call.callId(), call.step(), e);
      later(call, delivery, () -> serve(call, delivery), RETRY_MILLIS);
    }
  }

  /**
   * Runs {@code again} after {@code millis}, unless the call's attempt has timed out by then: then
   * the call is acknowledged and dropped (the orchestrator's retry is a new call, answered from the
   * record if this one succeeded).
   */
  private void later(CallMessages.Call call, Delivery delivery, Runnable again, long millis) {
    worker.scheduler.schedule(
        () ->
            worker.executor.execute(
                () -> {
                  if (worker.isClosed() || !call.timeoutAt().isAfter(worker.scheduler.now())) {
                    finish(delivery, !worker.isClosed());
                  } else {
                    again.run();
                  }
                }),
        Duration.ofMillis(millis));
  }

  /** Acknowledges the delivery (if {@code ack}) and frees the call's place, whatever happens. */
  private void finish(Delivery delivery, boolean ack) {
    try {
      if (ack) {
        delivery.ack();
      }
    } catch (RuntimeException e) {
      FirebreakWorker.log.warn(
          "acknowledging {}@{} failed: it may be delivered again, and answered from the record",
          delivery.topic(),
          delivery.position(),
          e);
    } finally {
      worker.ended();
    }
  }

  private void claimAndRun(CallMessages.Call call, Delivery delivery) {
    Instant now = worker.scheduler.now();
    if (!call.timeoutAt().isAfter(now) || worker.isClosed()) {
      // The orchestrator has given this attempt up (a retry is a new call), or this worker leaves.
      finish(delivery, !worker.isClosed());
      return;
    }
    CallRecords.Claim claim =
        worker.records.claim(call.recordKey(), worker.workerId, now, now.plus(worker.claimLease));
    switch (claim.state()) {
      case DONE -> {
        worker.answeredFromRecord.incrementAndGet();
        reply(call, delivery, CallMessages.succeeded(call, claim.output()));
      }
      case BUSY -> later(call, delivery, () -> serve(call, delivery), RECHECK_MILLIS);
      case CLAIMED -> run(call, delivery);
    }
  }

  /** Calls the agent method, holding the claim while it runs. */
  private void run(CallMessages.Call call, Delivery delivery) {
    Renewal renewal = new Renewal(call);
    Object output;
    try {
      Object[] inputs = inputs(call);
      if (call.purpose() instanceof CallMessages.Undo undo) {
        agent.compensate(
            call.step(),
            Codecs.fromJson(agent.outputCodec(call.step()), undo.output()),
            inputs,
            new Context(call));
        output = null;
      } else if (call.purpose() instanceof CallMessages.FallBack failure) {
        output =
            agent.fallback(
                call.step(), inputs, new RemoteFailureException(failure.types(), failure.chain()));
      } else {
        output = agent.call(call.step(), inputs, new Context(call));
      }
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
      json =
          call.purpose() instanceof CallMessages.Undo
              ? COMPENSATED
              : Codecs.toJson((CheckpointCodec<Object>) agent.outputCodec(call.step()), value);
    } catch (RuntimeException e) {
      failed(call, delivery, e);
      return;
    }
    // A step's output is kept while its run may call again (its deadline); a compensation's or a
    // fallback's runs after the step failed, often past the deadline, so for keepOutputs.
    Instant keep =
        call.deadline() != null && call.purpose() == null
            ? call.deadline()
            : worker.scheduler.now().plus(worker.keepOutputs);
    try {
      if (!worker.records.done(
          call.recordKey(),
          worker.workerId,
          json,
          keep.isAfter(call.timeoutAt()) ? keep : call.timeoutAt())) {
        FirebreakWorker.log.warn(
            "call {} succeeded after its claim passed to another worker", call.recordKey());
      }
    } catch (RuntimeException e) {
      // The effect happened: the output is the answer, recorded or not.
      FirebreakWorker.log.warn("the output of {} was not recorded", call.recordKey(), e);
    }
    forgetTheOtherSide(call);
    reply(call, delivery, CallMessages.succeeded(call, json));
  }

  /**
   * A step and its undo cancel out: an undone step's record is dropped, so that a replay of the run
   * does the step again, and a step done again drops its earlier undo's, so that a later failure
   * undoes it again.
   */
  private void forgetTheOtherSide(CallMessages.Call call) {
    String other;
    if (call.purpose() instanceof CallMessages.Undo) {
      other = call.idempotencyKey();
    } else if (call.purpose() == null) {
      other = CallMessages.compensationKey(call.idempotencyKey());
    } else {
      return;
    }
    try {
      worker.records.forget(other);
    } catch (RuntimeException e) {
      FirebreakWorker.log.warn("the record of {} was not dropped", other, e);
    }
  }

  private void failed(CallMessages.Call call, Delivery delivery, Throwable failure) {
    try {
      worker.records.release(call.recordKey(), worker.workerId);
    } catch (RuntimeException e) {
      FirebreakWorker.log.warn("the claim of {} was not released; it lapses", call.recordKey(), e);
    }
    reply(call, delivery, CallMessages.failed(call, failure));
  }

  /**
   * Publishes the reply; the call is acknowledged once the bus has it, or published again after
   * {@value #RETRY_MILLIS} ms while its attempt lasts.
   */
  private void reply(CallMessages.Call call, Delivery delivery, CallMessages.Reply reply) {
    byte[] message = CallMessages.write(reply);
    Runnable send =
        new Runnable() {
          @Override
          public void run() {
            CompletionStage<Void> sent;
            try {
              sent = worker.transport.publish(call.replyTo(), call.idempotencyKey(), message);
            } catch (RuntimeException e) {
              sent = java.util.concurrent.CompletableFuture.failedFuture(e);
            }
            Runnable again = this;
            sent.whenComplete(
                (ok, failure) -> {
                  if (failure == null) {
                    finish(delivery, true);
                  } else {
                    FirebreakWorker.log.warn(
                        "the reply to call {} was not published; trying again",
                        call.callId(),
                        failure);
                    later(call, delivery, again, RETRY_MILLIS);
                  }
                });
          }
        };
    send.run();
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Keeps a running call's claim alive, every third of the lease, on the worker's renewal thread
   * (never behind agent calls), until stopped or until the call's attempt has timed out: a call
   * that hangs past it lets its claim lapse, so that the orchestrator's next attempt runs.
   */
  private final class Renewal {
    private final CallMessages.Call call;
    private volatile boolean stopped;
    private volatile Cancellable next;

    Renewal(CallMessages.Call call) {
      this.call = call;
      schedule();
    }

    private void schedule() {
      next =
          worker.scheduler.schedule(
              () -> worker.renewals.execute(this::renew), worker.claimLease.dividedBy(3));
    }

    private void renew() {
      Instant now = worker.scheduler.now();
      if (stopped || !call.timeoutAt().isAfter(now)) {
        return;
      }
      try {
        if (!worker.records.renew(call.recordKey(), worker.workerId, now.plus(worker.claimLease))) {
          FirebreakWorker.log.warn("call {} lost its claim while running", call.recordKey());
          return;
        }
      } catch (RuntimeException e) {
        FirebreakWorker.log.warn("renewing the claim of {} failed", call.recordKey(), e);
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
      return deadline()
          .map(d -> Duration.between(worker.scheduler.now(), d))
          .map(left -> left.isNegative() ? Duration.ZERO : left);
    }
  }
}
