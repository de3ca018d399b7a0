package dev.firebreak.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.RemoteFailureException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallMessagesTest {
  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aCallKeepsEveryFieldAndItsInputsAsTheirOwnJson() {
    CallMessages.Call call =
        new CallMessages.Call(
            "c1",
            "com.acme.OcrAgent",
            "extract",
            "INV-1",
            "com.acme.InvoiceWorkflow",
            2,
            "INV-1:extract",
            Instant.ofEpochMilli(1_800_000_000_000L),
            Instant.ofEpochMilli(1_700_000_000_000L),
            "replies",
            List.of(bytes("{\"id\":\"INV-1\",\"lines\":[1,2]}"), bytes("\"text\"")),
            null);
    CallMessages.Call back = CallMessages.readCall(CallMessages.write(call));
    assertEquals(call.callId(), back.callId());
    assertEquals(call.agent(), back.agent());
    assertEquals(call.step(), back.step());
    assertEquals(call.runId(), back.runId());
    assertEquals(call.workflow(), back.workflow());
    assertEquals(2, back.attempt());
    assertEquals(call.idempotencyKey(), back.idempotencyKey());
    assertEquals(call.deadline(), back.deadline());
    assertEquals(call.timeoutAt(), back.timeoutAt());
    assertEquals("replies", back.replyTo());
    assertArrayEquals(bytes("{\"id\":\"INV-1\",\"lines\":[1,2]}"), back.inputs().get(0));
    assertArrayEquals(bytes("\"text\""), back.inputs().get(1));
    assertNull(back.purpose());
    assertEquals("INV-1:extract", back.recordKey());
  }

  @Test
  void aCompensationCallCarriesTheOutputItUndoesAndHasARecordKeyOfItsOwn() {
    CallMessages.Call call =
        new CallMessages.Call(
            "c2",
            "com.acme.Booking",
            "book",
            "TRIP-1",
            "com.acme.Trips",
            1,
            "TRIP-1:book",
            null,
            Instant.ofEpochMilli(1_700_000_000_000L),
            "replies",
            List.of(bytes("\"Lisbon\"")),
            new CallMessages.Undo(bytes("{\"ref\":\"H-7\"}")));
    CallMessages.Call back = CallMessages.readCall(CallMessages.write(call));
    CallMessages.Undo undo = assertInstanceOf(CallMessages.Undo.class, back.purpose());
    assertArrayEquals(bytes("{\"ref\":\"H-7\"}"), undo.output());
    assertEquals("TRIP-1:book", back.idempotencyKey(), "the key the agent sees, as in process");
    assertEquals("TRIP-1:book#compensation", back.recordKey());
  }

  @Test
  void aFallbackCallCarriesTheFailureItStandsInForAndHasARecordKeyOfItsOwn() {
    CallMessages.Call call =
        new CallMessages.Call(
            "c3",
            "com.acme.Booking",
            "book",
            "TRIP-2",
            "com.acme.Trips",
            3,
            "TRIP-2:book",
            null,
            Instant.ofEpochMilli(1_700_000_000_000L),
            "replies",
            List.of(bytes("\"Porto\"")),
            CallMessages.describe(new IllegalStateException("sold out")));
    CallMessages.Call back = CallMessages.readCall(CallMessages.write(call));
    CallMessages.FallBack failure = assertInstanceOf(CallMessages.FallBack.class, back.purpose());
    assertEquals("java.lang.IllegalStateException", failure.types().get(0));
    assertTrue(failure.chain().get(0).contains("sold out"), failure.chain().toString());
    assertEquals("TRIP-2:book#fallback", back.recordKey());
  }

  /** A failure whose source asked to be called again after two seconds. */
  static final class Limited extends IllegalStateException
      implements dev.firebreak.runtime.RetryAfter {
    Limited() {
      super("429");
    }

    @Override
    public java.util.Optional<java.time.Duration> retryAfter() {
      return java.util.Optional.of(java.time.Duration.ofSeconds(2));
    }
  }

  @Test
  void aFailedReplyCarriesTheDelayItsSourceAskedForAndAPermanentFailureSaysSo() {
    CallMessages.Call call =
        new CallMessages.Call(
            "c4", "a", "s", "r", "w", 1, "r:s", null, Instant.EPOCH, "replies", List.of(), null);
    CallMessages.Reply limited =
        CallMessages.readReply(CallMessages.write(CallMessages.failed(call, new Limited())));
    assertEquals(java.time.Duration.ofSeconds(2), limited.retryAfter());
    RemoteFailureException remote =
        new RemoteFailureException(limited.types(), limited.chain(), limited.retryAfter());
    assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(2)), remote.retryAfter());

    class Refused extends IllegalStateException implements dev.firebreak.runtime.PermanentFailure {}
    CallMessages.Reply refused =
        CallMessages.readReply(CallMessages.write(CallMessages.failed(call, new Refused())));
    assertTrue(refused.types().contains("dev.firebreak.runtime.PermanentFailure"));
    assertNull(refused.retryAfter());
  }

  @Test
  void aFailureThatCameOverTheBusIsDescribedByTheNamesItCameWith() {
    RemoteFailureException remote =
        new RemoteFailureException(
            List.of("com.acme.SoldOut", "java.lang.Exception"), List.of("x"));
    CallMessages.FallBack described = CallMessages.describe(remote);
    assertEquals(List.of("com.acme.SoldOut", "java.lang.Exception"), described.types());
    assertEquals(List.of("x"), described.chain());
  }

  @Test
  void aFailedReplyCarriesTheClassAndItsSuperclassesAndTheChain() {
    CallMessages.Call call =
        new CallMessages.Call(
            "c1", "a", "s", "r", "w", 1, "r:s", null, Instant.EPOCH, "replies", List.of(), null);
    CallMessages.Reply reply =
        CallMessages.readReply(
            CallMessages.write(
                CallMessages.failed(
                    call, new IllegalStateException("outer", new RuntimeException("inner")))));
    assertFalse(reply.succeeded());
    assertNull(reply.output());
    assertEquals(
        List.of(
            "java.lang.IllegalStateException",
            "java.lang.RuntimeException",
            "java.lang.Exception",
            "java.lang.Throwable"),
        reply.types());
    assertTrue(reply.chain().get(0).contains("outer"), reply.chain().toString());
    assertTrue(reply.chain().get(1).contains("inner"), reply.chain().toString());
    assertNull(CallMessages.readCall(CallMessages.write(call)).deadline());
  }

  @Test
  void somethingElseIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CallMessages.readCall(bytes("{\"callId\":\"x\"}")));
    assertTrue(e.getMessage().contains("idempotencyKey"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> CallMessages.readReply(bytes("[1")));
    assertThrows(
        IllegalArgumentException.class, () -> CallMessages.readReply(bytes("{\"callId\":\"x\"}")));
  }

  @Test
  void aCallThatDoesNotReadStillSaysWhereToAnswer() {
    CallMessages.Call address =
        CallMessages.replyAddress(
                bytes(
                    "{\"callId\":\"c1\",\"idempotencyKey\":\"r:s\",\"replyTo\":\"replies\",\"inputs\":[1,"))
            .orElseThrow();
    assertEquals("c1", address.callId());
    assertEquals("r:s", address.idempotencyKey());
    assertEquals("replies", address.replyTo());
    assertTrue(CallMessages.replyAddress(bytes("{\"callId\":\"c1\"}")).isEmpty());
    assertTrue(CallMessages.replyAddress(bytes("not json")).isEmpty());
  }
}
