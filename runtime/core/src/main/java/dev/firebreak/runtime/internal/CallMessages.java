package dev.firebreak.runtime.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.InvalidOutput;
import dev.firebreak.runtime.PermanentFailure;
import dev.firebreak.runtime.RemoteFailureException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A remote step's call and its reply, as JSON on the bus:
 *
 * <ul>
 *   <li>a call: {@code {"callId", "agent", "step", "runId", "workflow", "attempt",
 *       "idempotencyKey", "deadline", "timeoutAt", "replyTo", "inputs"}}, the times in epoch
 *       milliseconds ({@code deadline} null without one), {@code inputs} an array of each input in
 *       its codec's JSON; a call of the step's compensation adds {@code "undo"}, the output it
 *       undoes in its codec's JSON (and is answered with the output {@code null}); a call of its
 *       fallback adds {@code "fallbackFor": {"types", "chain"}}, the failure it stands in for;
 *   <li>a reply: {@code {"callId", "idempotencyKey", "output"}} on success, the output in its
 *       codec's JSON; {@code {"callId", "idempotencyKey", "failure": {"types", "chain",
 *       "retryAfterMillis"}}} on failure, the exception's class and superclasses, its chain of
 *       messages and the delay its source asked for ({@code dev.firebreak.runtime.RetryAfter}), if
 *       any.
 * </ul>
 */
public final class CallMessages {

  private CallMessages() {}

  /** One call of a remote step. */
  public record Call(
      String callId,
      String agent,
      String step,
      String runId,
      String workflow,
      int attempt,
      String idempotencyKey,
      Instant deadline,
      Instant timeoutAt,
      String replyTo,
      List<byte[]> inputs,
      Purpose purpose) {
    /**
     * The key of the call's record at the worker: its idempotency key, which a compensation and a
     * fallback share with their step (as the agent sees it), set apart from the step's own record.
     */
    public String recordKey() {
      if (purpose instanceof Undo) {
        return compensationKey(idempotencyKey);
      }
      return purpose instanceof FallBack ? idempotencyKey + "#fallback" : idempotencyKey;
    }
  }

  /** The record key of the compensation of the step whose idempotency key is {@code key}. */
  public static String compensationKey(String key) {
    return key + "#compensation";
  }

  /** What a call asks of the step's agent besides the step itself. */
  public sealed interface Purpose permits Undo, FallBack {}

  /** The step's compensation, undoing {@code output} (its codec's JSON). */
  public record Undo(byte[] output) implements Purpose {}

  /** The step's fallback, standing in for a failure of these classes, with these messages. */
  public record FallBack(List<String> types, List<String> chain) implements Purpose {}

  /** A worker's answer to a call: its output, or (output null) its failure. */
  public record Reply(
      String callId,
      String idempotencyKey,
      byte[] output,
      List<String> types,
      List<String> chain,
      java.time.Duration retryAfter) {
    public boolean succeeded() {
      return output != null;
    }
  }

  /** The reply to {@code call} that it succeeded with {@code output} (its codec's JSON). */
  public static Reply succeeded(Call call, byte[] output) {
    return new Reply(call.callId(), call.idempotencyKey(), output, List.of(), List.of(), null);
  }

  /** The reply to {@code call} that it failed with {@code failure}. */
  public static Reply failed(Call call, Throwable failure) {
    FallBack described = describe(failure);
    long asked = Retrying.askedDelayNanos(failure);
    return new Reply(
        call.callId(),
        call.idempotencyKey(),
        null,
        described.types(),
        described.chain(),
        asked > 0 ? java.time.Duration.ofNanos(asked) : null);
  }

  /**
   * {@code failure} as the bus carries it: its class and superclasses (and {@link PermanentFailure}
   * and {@link InvalidOutput} if it is one), and its chain of messages; a failure that came over
   * the bus keeps the names and messages it came with.
   */
  public static FallBack describe(Throwable failure) {
    if (failure instanceof RemoteFailureException remote) {
      return new FallBack(remote.types(), remote.chain());
    }
    List<String> types = new ArrayList<>();
    for (Class<?> c = failure.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      types.add(c.getName());
    }
    if (failure instanceof PermanentFailure) {
      types.add(PermanentFailure.class.getName()); // so that the orchestrator never retries it
    }
    if (failure instanceof InvalidOutput) {
      types.add(InvalidOutput.class.getName()); // so that it is counted as one there
    }
    return new FallBack(types, DeadLetter.chainOf(failure));
  }

  public static byte[] write(Call c) {
    return JsonObjects.write(
        out -> {
          out.writeStringField("callId", c.callId());
          out.writeStringField("agent", c.agent());
          out.writeStringField("step", c.step());
          out.writeStringField("runId", c.runId());
          out.writeStringField("workflow", c.workflow());
          out.writeNumberField("attempt", c.attempt());
          out.writeStringField("idempotencyKey", c.idempotencyKey());
          out.writeFieldName("deadline");
          if (c.deadline() == null) {
            out.writeNull();
          } else {
            out.writeNumber(c.deadline().toEpochMilli());
          }
          out.writeNumberField("timeoutAt", c.timeoutAt().toEpochMilli());
          out.writeStringField("replyTo", c.replyTo());
          out.writeArrayFieldStart("inputs");
          for (byte[] input : c.inputs()) {
            out.writeRawValue(new String(input, StandardCharsets.UTF_8));
          }
          out.writeEndArray();
          if (c.purpose() instanceof Undo undo) {
            out.writeFieldName("undo");
            out.writeRawValue(new String(undo.output(), StandardCharsets.UTF_8));
          } else if (c.purpose() instanceof FallBack fallBack) {
            out.writeObjectFieldStart("fallbackFor");
            JsonObjects.strings(out, "types", fallBack.types());
            JsonObjects.strings(out, "chain", fallBack.chain());
            out.writeEndObject();
          }
        });
  }

  public static byte[] write(Reply r) {
    return JsonObjects.write(
        out -> {
          out.writeStringField("callId", r.callId());
          out.writeStringField("idempotencyKey", r.idempotencyKey());
          if (r.succeeded()) {
            out.writeFieldName("output");
            out.writeRawValue(new String(r.output(), StandardCharsets.UTF_8));
          } else {
            out.writeObjectFieldStart("failure");
            JsonObjects.strings(out, "types", r.types());
            JsonObjects.strings(out, "chain", r.chain());
            if (r.retryAfter() != null) {
              out.writeNumberField("retryAfterMillis", r.retryAfter().toMillis());
            }
            out.writeEndObject();
          }
        });
  }

  /**
   * Reads a call.
   *
   * @throws IllegalArgumentException if {@code json} is not one
   */
  public static Call readCall(byte[] json) {
    String callId = null, agent = null, step = null, runId = null, workflow = null, key = null;
    String replyTo = null;
    int attempt = 0;
    Instant deadline = null, timeoutAt = null;
    List<byte[]> inputs = null;
    Purpose purpose = null;
    try (JsonParser in = JsonObjects.JSON.createParser(json)) {
      expect(in.nextToken(), JsonToken.START_OBJECT);
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        JsonToken t = in.nextToken();
        switch (field) {
          case "callId" -> callId = in.getValueAsString();
          case "agent" -> agent = in.getValueAsString();
          case "step" -> step = in.getValueAsString();
          case "runId" -> runId = in.getValueAsString();
          case "workflow" -> workflow = in.getValueAsString();
          case "attempt" -> attempt = in.getIntValue();
          case "idempotencyKey" -> key = in.getValueAsString();
          case "deadline" ->
              deadline = t == JsonToken.VALUE_NULL ? null : Instant.ofEpochMilli(in.getLongValue());
          case "timeoutAt" -> timeoutAt = Instant.ofEpochMilli(in.getLongValue());
          case "replyTo" -> replyTo = in.getValueAsString();
          case "inputs" -> {
            expect(t, JsonToken.START_ARRAY);
            inputs = new ArrayList<>();
            while (in.nextToken() != JsonToken.END_ARRAY) {
              inputs.add(raw(in));
            }
          }
          case "undo" -> purpose = new Undo(raw(in));
          case "fallbackFor" -> {
            Described failure = failure(in);
            purpose = new FallBack(failure.types(), failure.chain());
          }
          default -> in.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a call: " + e.getMessage(), e);
    }
    if (callId == null
        || agent == null
        || step == null
        || runId == null
        || key == null
        || timeoutAt == null
        || replyTo == null
        || inputs == null) {
      throw new IllegalArgumentException(
          "not a call: callId, agent, step, runId, idempotencyKey, timeoutAt, replyTo and inputs"
              + " are required");
    }
    return new Call(
        callId, agent, step, runId, workflow, attempt, key, deadline, timeoutAt, replyTo, inputs,
        purpose);
  }

  /**
   * Where a call that does not read as one should be answered: a call with only {@code callId},
   * {@code idempotencyKey} and {@code replyTo} read from {@code json} (at its top level, as far as
   * it parses), so that its caller learns at once instead of waiting out its timeout; empty if
   * those are not there.
   */
  public static java.util.Optional<Call> replyAddress(byte[] json) {
    String callId = null, key = null, replyTo = null;
    try (JsonParser in = JsonObjects.JSON.createParser(json)) {
      if (in.nextToken() == JsonToken.START_OBJECT) {
        while (in.nextToken() == JsonToken.FIELD_NAME) {
          String field = in.currentName();
          JsonToken t = in.nextToken();
          if (t == JsonToken.VALUE_STRING) {
            switch (field) {
              case "callId" -> callId = in.getText();
              case "idempotencyKey" -> key = in.getText();
              case "replyTo" -> replyTo = in.getText();
              default -> {}
            }
          } else {
            in.skipChildren();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // as far as it parsed
    }
    if (callId == null || replyTo == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        new Call(callId, "", "", "", "", 0, key, null, Instant.EPOCH, replyTo, List.of(), null));
  }

  /**
   * Reads a reply.
   *
   * @throws IllegalArgumentException if {@code json} is not one
   */
  public static Reply readReply(byte[] json) {
    String callId = null, key = null;
    byte[] output = null;
    List<String> types = null, chain = null;
    java.time.Duration retryAfter = null;
    try (JsonParser in = JsonObjects.JSON.createParser(json)) {
      expect(in.nextToken(), JsonToken.START_OBJECT);
      while (in.nextToken() == JsonToken.FIELD_NAME) {
        String field = in.currentName();
        JsonToken t = in.nextToken();
        switch (field) {
          case "callId" -> callId = in.getValueAsString();
          case "idempotencyKey" -> key = in.getValueAsString();
          case "output" -> output = raw(in);
          case "failure" -> {
            Described failure = failure(in);
            types = failure.types();
            chain = failure.chain();
            retryAfter = failure.retryAfter();
          }
          default -> in.skipChildren();
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a reply: " + e.getMessage(), e);
    }
    if (callId == null || (output == null && types == null)) {
      throw new IllegalArgumentException(
          "not a reply: callId, and output or failure, are required");
    }
    return new Reply(
        callId,
        key,
        output,
        types == null ? List.of() : types,
        chain == null ? List.of() : chain,
        retryAfter);
  }

  /** A failure as the bus carries it; {@code retryAfter} null unless its source asked for one. */
  private record Described(List<String> types, List<String> chain, java.time.Duration retryAfter) {}

  /**
   * {@code {"types": [...], "chain": [...], "retryAfterMillis"?}} at the parser's current token.
   */
  private static Described failure(JsonParser in) throws IOException {
    expect(in.currentToken(), JsonToken.START_OBJECT);
    List<String> types = List.of();
    List<String> chain = List.of();
    java.time.Duration retryAfter = null;
    while (in.nextToken() == JsonToken.FIELD_NAME) {
      String name = in.currentName();
      in.nextToken();
      switch (name) {
        case "types" -> types = strings(in);
        case "chain" -> chain = strings(in);
        case "retryAfterMillis" -> retryAfter = java.time.Duration.ofMillis(in.getLongValue());
        default -> in.skipChildren();
      }
    }
    return new Described(types, chain, retryAfter);
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + ", found " + actual);
    }
  }

  /** The value at the parser's current token, as its own JSON document. */
  private static byte[] raw(JsonParser in) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (JsonGenerator out = JsonObjects.JSON.createGenerator(bytes)) {
      out.copyCurrentStructure(in);
    }
    return bytes.toByteArray();
  }

  private static List<String> strings(JsonParser in) throws IOException {
    expect(in.currentToken(), JsonToken.START_ARRAY);
    List<String> out = new ArrayList<>();
    while (in.nextToken() != JsonToken.END_ARRAY) {
      out.add(in.getValueAsString());
    }
    return out;
  }
}
