package dev.firebreak.runtime.internal;

import dev.firebreak.runtime.CheckpointCodec;
import dev.firebreak.runtime.InvalidInputException;
import dev.firebreak.runtime.RemoteFailureException;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.StepTimeoutException;
import dev.firebreak.runtime.bus.Delivery;
import dev.firebreak.runtime.bus.Subscription;
import dev.firebreak.runtime.bus.Transport;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.remote.RemoteTopics;
import dev.firebreak.runtime.time.Cancellable;
import dev.firebreak.runtime.time.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's side of remote steps: a step of an agent configured remote sends its call to
 * the agent's calls topic and waits, holding no thread, for the reply with its call id on the
 * replies topic, which this node listens to. Every policy stays here: the attempt's timeout cancels
 * the wait (and a reply arriving after it is dropped), retries send a new call under the same
 * idempotency key, and the failure's class names decide as the exception would in process.
 */
public final class RemoteCalls implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("dev.firebreak.runtime.remote");

  private final Transport transport;
  private final RemoteTopics topics;
  private final Set<String> agents;
  private final Scheduler scheduler;
  private final ConcurrentHashMap<String, Waiting> waiting = new ConcurrentHashMap<>();
  private final Subscription replies;

  /** A call sent and not yet answered; {@code outputCodec} null for a compensation. */
  private record Waiting(CompletableFuture<Object> result, CheckpointCodec<?> outputCodec) {}

  public RemoteCalls(
      Transport transport, RemoteTopics topics, Set<String> agents, Scheduler scheduler) {
    this.transport = transport;
    this.topics = topics;
    this.agents = Set.copyOf(agents);
    this.scheduler = scheduler;
    this.replies = transport.listen(topics.replies(), this::reply);
  }

  /** Whether {@code agent}'s steps are called over the bus. */
  boolean isRemote(String agent) {
    return agents.contains(agent);
  }

  /** Calls waiting for their reply now. */
  public int waiting() {
    return waiting.size();
  }

  /** The call of {@code step} over the bus, with {@code remotable}'s codecs. */
  StepBinding.AsyncCall call(
      StepBinding.Remotable remotable, StepDescriptor step, long timeoutNanos) {
    int[] slots = step.inputSlots();
    List<CheckpointCodec<?>> codecs = remotable.inputCodecs();
    if (slots.length != codecs.size()) {
      throw new IllegalArgumentException(
          "step "
              + step.name()
              + " reads "
              + slots.length
              + " inputs but its remote call encodes "
              + codecs.size());
    }
    String topic = topics.calls(remotable.agent());
    return (values, context) ->
        send(
            topic,
            call(remotable, step, inputs(values, slots, codecs), context, timeoutNanos, null),
            remotable.outputCodec());
  }

  /** Calls the compensation of a step over the bus: a call without an output. */
  @FunctionalInterface
  interface Undo {
    CompletableFuture<Object> undo(Object output, Object[] slots, StepContext context);
  }

  /** Calls the fallback of a step over the bus: its output, as the step's would be. */
  @FunctionalInterface
  interface FallBack {
    CompletableFuture<Object> fallBack(Object[] slots, Throwable failure, StepContext context);
  }

  /**
   * The call of {@code step}'s compensation over the bus: the step's inputs and the output it
   * undoes; the wait ends with a {@link StepTimeoutException} after the step's timeout, so that a
   * lost reply is retried (as a new call, answered from the worker's record if the first one ran).
   */
  Undo compensation(StepBinding.Remotable remotable, StepDescriptor step, long timeoutNanos) {
    return (output, values, context) ->
        awaited(
            remotable,
            step,
            values,
            context,
            timeoutNanos,
            new CallMessages.Undo(json(remotable.outputCodec(), output)),
            null);
  }

  /**
   * The call of {@code step}'s fallback over the bus: the step's inputs and its failure, as class
   * names and messages; the wait ends with a {@link StepTimeoutException} after the step's timeout.
   */
  FallBack fallback(StepBinding.Remotable remotable, StepDescriptor step, long timeoutNanos) {
    return (values, failure, context) ->
        awaited(
            remotable,
            step,
            values,
            context,
            timeoutNanos,
            CallMessages.describe(failure),
            remotable.outputCodec());
  }

  /** Sends a call of {@code purpose} and waits for its reply at most {@code timeoutNanos}. */
  private CompletableFuture<Object> awaited(
      StepBinding.Remotable remotable,
      StepDescriptor step,
      Object[] values,
      StepContext context,
      long timeoutNanos,
      CallMessages.Purpose purpose,
      CheckpointCodec<?> outputCodec) {
    List<byte[]> inputs = inputs(values, step.inputSlots(), remotable.inputCodecs());
    CompletableFuture<Object> result =
        send(
            topics.calls(remotable.agent()),
            call(remotable, step, inputs, context, timeoutNanos, purpose),
            outputCodec);
    String what = purpose instanceof CallMessages.Undo ? " (compensation)" : " (fallback)";
    Cancellable timeout =
        scheduler.schedule(
            () ->
                result.completeExceptionally(
                    new StepTimeoutException(
                        step.name() + what, context.attempt(), Duration.ofNanos(timeoutNanos))),
            timeoutNanos);
    result.whenComplete((value, failure) -> timeout.cancel());
    return result;
  }

  private static List<byte[]> inputs(
      Object[] values, int[] slots, List<CheckpointCodec<?>> codecs) {
    List<byte[]> inputs = new ArrayList<>(slots.length);
    for (int k = 0; k < slots.length; k++) {
      inputs.add(json(codecs.get(k), values[slots[k]]));
    }
    return inputs;
  }

  private CallMessages.Call call(
      StepBinding.Remotable remotable,
      StepDescriptor step,
      List<byte[]> inputs,
      StepContext context,
      long timeoutNanos,
      CallMessages.Purpose purpose) {
    return new CallMessages.Call(
        UUID.randomUUID().toString(),
        remotable.agent(),
        step.name(),
        context.runId(),
        context.workflow(),
        context.attempt(),
        context.idempotencyKey(),
        context.deadline().orElse(null),
        scheduler.now().plusNanos(timeoutNanos),
        topics.replies(),
        inputs,
        purpose);
  }

  /**
   * Publishes {@code call} and returns its reply's output, decoded with {@code outputCodec} (null:
   * none expected).
   */
  private CompletableFuture<Object> send(
      String topic, CallMessages.Call call, CheckpointCodec<?> outputCodec) {
    CompletableFuture<Object> result = new CompletableFuture<>();
    waiting.put(call.callId(), new Waiting(result, outputCodec));
    result.whenComplete((value, failure) -> waiting.remove(call.callId()));
    CompletionStage<Void> sent;
    try {
      sent = transport.publish(topic, call.idempotencyKey(), CallMessages.write(call));
    } catch (RuntimeException e) {
      result.completeExceptionally(e); // the call is not waited for: nothing stays in waiting
      return result;
    }
    sent.whenComplete(
        (ok, failure) -> {
          if (failure != null) {
            result.completeExceptionally(failure);
          }
        });
    return result;
  }

  @SuppressWarnings("unchecked")
  private static <T> byte[] json(CheckpointCodec<T> codec, Object value) {
    return Codecs.toJson(codec, (T) value);
  }

  /** On the transport's thread: completes the call the reply answers, if it still waits. */
  private void reply(Delivery delivery) {
    CallMessages.Reply reply;
    try {
      reply = CallMessages.readReply(delivery.value());
    } catch (IllegalArgumentException e) {
      log.warn("reply {}@{} dropped: {}", delivery.topic(), delivery.position(), e.getMessage());
      return;
    }
    Waiting call = waiting.get(reply.callId());
    if (call == null) {
      return; // another node's call, or an attempt that timed out here: dropped
    }
    if (!reply.succeeded()) {
      call.result().completeExceptionally(failure(reply));
      return;
    }
    if (call.outputCodec() == null) {
      call.result().complete(null);
      return;
    }
    try {
      call.result().complete(Codecs.fromJson(call.outputCodec(), reply.output()));
    } catch (RuntimeException e) {
      call.result()
          .completeExceptionally(
              new IllegalStateException(
                  "the reply's output does not decode: " + e.getMessage(), e));
    }
  }

  /** The failure as the step sees it: bad input stays bad input, the rest keeps its class names. */
  private static RuntimeException failure(CallMessages.Reply reply) {
    RemoteFailureException remote =
        new RemoteFailureException(reply.types(), reply.chain(), reply.retryAfter());
    if (reply.types().contains(InvalidInputException.class.getName())) {
      return new InvalidInputException(remote.getMessage(), remote);
    }
    return remote;
  }

  /** Stops listening for replies; calls still waiting end with that, rather than never. */
  @Override
  public void close() {
    replies.close();
    for (Waiting call : List.copyOf(waiting.values())) {
      call.result()
          .completeExceptionally(
              new IllegalStateException("the runtime closed before the call's reply came"));
    }
  }
}
