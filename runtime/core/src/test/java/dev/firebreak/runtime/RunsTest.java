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
    RetryPolicy threeTimes =
        new RetryPolicy(
            3,
            Duration.ofMillis(1),
            1.0,
            Duration.ofMillis(1),
            0,
            List.of(Exception.class),
            List.of(),
            null);
    return Flow.of("com.acme.Payments", 1)
        .inputCodecs(Codecs.STRING)
        .outputCodec(Codecs.STRING)
        .step(
            StepDescriptor.builder("reserve").inputs(0).checkpointed(Codecs.STRING),
            sync((s, ctx) -> "reserved " + s[0]))
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

  @Test
  void aRunIsReadWithItsCheckpointsAttemptsAndDeadLetter() {
    runtime =
        FirebreakRuntime.builder()
            .sqlite(dir.resolve("runs.db"))
            .executor(Runnable::run)
            .scheduler(clock)
            .shutdownHook(false)
            .build();
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
