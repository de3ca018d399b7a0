package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runs API through a runtime: what an operator reads about runs that ran. */
class RunsTest {
  @TempDir Path dir;
  private final ManualScheduler clock = new ManualScheduler();
  private FirebreakRuntime runtime;

  @AfterEach
  void close() {
    runtime.close();
  }

  /** reserve (checkpointed) → charge (checkpointed, 3 attempts, fails on "declined"). */
  private BoundEntryPoint payments() {
    RetryPolicy threeTimes = Flow.fixedRetry(3, Duration.ofMillis(1));
    return Flow.of("com.acme.Payments", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("reserve").inputs(0).checkpointed(Codecs.STRING),
            sync(
                (s, ctx) -> {
                  clock.advance(Duration.ofMillis(5)); // the ledger takes 5 ms
                  return "reserved " + s[0];
                }))
        .step(
            StepDescriptor.builder("charge")
                .inputs(1)
                .retry(threeTimes)
                .checkpointed(Codecs.STRING)
                .declaredBy("com.acme.PaymentAgent#charge"),
            sync(
                (s, ctx) -> {
                  if (((String) s[1]).contains("declined")) {
                    throw new IOException("card declined");
                  }
                  return "charged";
                }))
        .bind(runtime);
  }

  private void sqliteRuntime() {
    runtime =
        FirebreakRuntime.builder()
            .sqlite(dir.resolve("runs.db"))
            .executor(Runnable::run)
            .scheduler(clock)
            .shutdownHook(false)
            .build();
  }

  private static List<TimelineEntry.Kind> kinds(List<TimelineEntry> entries) {
    return entries.stream().map(TimelineEntry::kind).toList();
  }

  private List<String> retryingNow() {
    return runtime.runs().list(RunQuery.all().retrying()).runs().stream()
        .map(RunSummary::runId)
        .toList();
  }

  @Test
  void aRunListsAsRetryingWhileItWaitsAndItsTimelineHasEveryAttempt() {
    sqliteRuntime();
    BoundEntryPoint pay = payments();
    Instant start = clock.now();
    var failing = pay.runAsyncForResult("pay-2", "order 2 declined").toCompletableFuture();

    // Attempt 1 of charge failed; attempt 2 waits 1 ms on the clock.
    assertFalse(failing.isDone());
    assertEquals(List.of("pay-2"), retryingNow());
    RunDetails waiting = runtime.runs().find("pay-2").orElseThrow();
    assertEquals(1, waiting.run().retrying());
    List<TimelineEntry> firstTry = waiting.timeline("charge");
    assertEquals(List.of(TimelineEntry.Kind.FAILED), kinds(firstTry));
    assertEquals(List.of("java.io.IOException: card declined"), firstTry.get(0).errorChain());

    while (!failing.isDone()) {
      clock.advance(Duration.ofMillis(1));
    }
    assertEquals(List.of(), retryingNow(), "a run that ended retries nothing");
    RunDetails failed = runtime.runs().find("pay-2").orElseThrow();
    assertEquals(0, failed.run().retrying());
    TimelineEntry reserve = failed.timeline("reserve").get(0);
    assertEquals(TimelineEntry.Kind.SUCCEEDED, reserve.kind());
    assertEquals(start, reserve.at());
    assertEquals(Duration.ofMillis(5), reserve.took());
    List<TimelineEntry> charge = failed.timeline("charge");
    assertEquals(
        List.of(TimelineEntry.Kind.FAILED, TimelineEntry.Kind.FAILED, TimelineEntry.Kind.FAILED),
        kinds(charge));
    assertEquals(List.of(1, 2, 3), charge.stream().map(TimelineEntry::attempt).toList());
    assertEquals(start.plusMillis(5), charge.get(0).at());
    assertEquals(start.plusMillis(6), charge.get(1).at(), "after its 1 ms backoff");
    String shown = failed.toString();
    assertTrue(shown.contains("charge FAILED #3: java.io.IOException: card declined"), shown);
    assertTrue(shown.contains("reserve SUCCEEDED #1 in 5.0 ms"), shown);
  }

  @Test
  void aRunsDegradationsAndCompensationsAreInItsTimeline() {
    sqliteRuntime();
    BoundEntryPoint saga =
        Flow.of("com.acme.Trip", 1)
            .inputCodecs(Codecs.STRING)
            .step(
                StepDescriptor.builder("hotel").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> "room").compensation((out, s, ctx) -> {}))
            .step(
                StepDescriptor.builder("car").inputs(0).nonCritical(List.of()),
                sync(
                    (s, ctx) -> {
                      throw new IOException("no cars");
                    }))
            .step(
                StepDescriptor.builder("flight").inputs(1),
                sync(
                    (s, ctx) -> {
                      throw new IllegalStateException("fully booked");
                    }))
            .bind(runtime);
    assertEquals(WorkflowStatus.FAILED, saga.runForResult("trip-1", "Oslo").status());

    RunDetails trip = runtime.runs().find("trip-1").orElseThrow();
    TimelineEntry car = trip.degradations().get(0);
    assertEquals("car", car.step());
    assertEquals("default", car.detail());
    assertEquals(List.of("java.io.IOException: no cars"), car.errorChain());
    TimelineEntry undo = trip.compensations().get(0);
    assertEquals("hotel", undo.step());
    assertEquals(TimelineEntry.Kind.COMPENSATED, undo.kind());
    assertEquals(1, undo.attempt());
    assertEquals(
        List.of(TimelineEntry.Kind.FAILED), kinds(trip.timeline("flight")), trip.toString());
  }

  @Test
  void aRunIsReadWithItsCheckpointsAttemptsAndDeadLetter() {
    sqliteRuntime();
    BoundEntryPoint pay = payments();
    assertEquals(WorkflowStatus.COMPLETED, pay.runForResult("pay-1", "order 1").status());
    var failing = pay.runAsyncForResult("pay-2", "order 2 declined").toCompletableFuture();
    while (!failing.isDone()) {
      clock.advance(Duration.ofMillis(1));
    }
    assertEquals(WorkflowStatus.FAILED, failing.join().status());

    RunDetails failed = runtime.runs().find("pay-2").orElseThrow();
    assertEquals(WorkflowStatus.FAILED, failed.run().status());
    assertEquals(List.of("reserve"), failed.checkpoints());
    assertEquals(Map.of("reserve", 1, "charge", 3), failed.attempts());
    DeadLetter letter = failed.deadLetterIfAny().orElseThrow();
    assertEquals("charge", letter.step());
    assertEquals(3, letter.attempts());
    assertTrue(letter.errorChain().get(0).contains("card declined"), letter.toString());
    assertTrue(failed.outputs().isEmpty(), "no data unless asked for");
    String shown = failed.toString();
    assertTrue(shown.contains("charge (3 attempts, no checkpoint)"), shown);
    assertTrue(shown.contains("RETRIES_EXHAUSTED at step charge after 3 attempts"), shown);
    assertFalse(shown.contains("[B@"), shown);

    RunDetails done = runtime.runs().find("pay-1", true).orElseThrow();
    assertNull(done.deadLetter());
    assertEquals(List.of("reserve", "charge"), done.checkpoints());
    assertEquals("\"reserved order 1\"", done.outputJson("reserve").orElseThrow());
    assertEquals("[\"order 1\"]", done.run().inputsJson().orElseThrow(), "the arguments");
    assertTrue(runtime.runs().find("pay-3").isEmpty());

    assertEquals(1L, runtime.runs().countByStatus().get(WorkflowStatus.COMPLETED));
    assertEquals(1L, runtime.runs().countByStatus().get(WorkflowStatus.FAILED));
    assertEquals(0L, runtime.runs().countByStatus().get(WorkflowStatus.PARKED));
  }
}
