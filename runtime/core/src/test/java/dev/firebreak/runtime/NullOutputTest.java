package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.async;
import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A null output is a failed attempt unless the step declares it nullable or Optional. */
class NullOutputTest {
  private static final RetryPolicy TWICE =
      new RetryPolicy(
          2, Duration.ZERO, 1.0, Duration.ZERO, 0.0, List.of(Exception.class), List.of(), null);

  private final ManualScheduler clock = new ManualScheduler();
  private final FirebreakRuntime runtime =
      FirebreakRuntime.builder()
          .checkpointStore(new InMemoryCheckpointStore())
          .executor(Runnable::run)
          .scheduler(clock)
          .build();

  /** What the second step received, one entry per call. */
  private final List<Object> received = new ArrayList<>();

  /** A first step made of {@code first}, then a step that records what it got. */
  private WorkflowResult<Object> run(StepDescriptor.Builder first, StepBinding binding) {
    return Flow.of("nulls", 1)
        .step(first.inputs(0), binding)
        .step(
            StepDescriptor.builder("next").inputs(1),
            sync(
                (s, ctx) -> {
                  received.add(s[1] == null ? "null" : s[1]);
                  return "next";
                }))
        .bind(runtime)
        .runForResult(null, "in");
  }

  @Test
  void aCriticalCheckpointedStepThatReturnsNullFailsTheRunInsteadOfFlowingOn() {
    AtomicInteger calls = new AtomicInteger();
    WorkflowResult<Object> result =
        run(
            StepDescriptor.builder("extract")
                .declaredBy("com.acme.OcrAgent#extract")
                .retry(TWICE)
                .checkpointed(Codecs.STRING),
            sync(
                (s, ctx) -> {
                  calls.incrementAndGet();
                  return null;
                }));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals("extract", result.failedStep());
    assertInstanceOf(NullOutputException.class, result.failure());
    assertEquals(
        "step 'extract' (OcrAgent#extract) returned null: declare its output Optional, or the method"
            + " @Nullable, if no value is a valid answer",
        result.failure().getMessage());
    assertEquals(2, calls.get(), "a null is retried like any failure");
    assertEquals(List.of(), received, "the next step never saw the null");
    assertEquals(1, runtime.deadLetters().size());
  }

  @Test
  void aNullOnTheFirstAttemptIsRetriedAndTheSecondAnswerFlowsOn() {
    AtomicInteger calls = new AtomicInteger();
    WorkflowResult<Object> result =
        run(
            StepDescriptor.builder("extract").retry(TWICE),
            sync((s, ctx) -> calls.incrementAndGet() == 1 ? null : "text"));
    assertEquals(WorkflowStatus.COMPLETED, result.status());
    assertEquals(List.of("text"), received);
  }

  @Test
  void aStageThatCompletesWithNullFailsTheAttemptToo() {
    WorkflowResult<Object> result =
        run(
            StepDescriptor.builder("extract"),
            async((s, ctx) -> CompletableFuture.completedFuture(null)));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertInstanceOf(NullOutputException.class, result.failure());
    assertTrue(
        result.failure().getMessage().contains("completed its stage with null"),
        result.failure().getMessage());
    assertEquals(List.of(), received);
  }

  @Test
  void aNullableOutputFlowsOnAndAnOptionalOneBecomesEmpty() {
    WorkflowResult<Object> nullable =
        run(StepDescriptor.builder("extract").nullable(), sync((s, ctx) -> null));
    assertEquals(WorkflowStatus.COMPLETED, nullable.status());
    WorkflowResult<Object> optional =
        run(StepDescriptor.builder("extract").emptyWhenNull(), sync((s, ctx) -> null));
    assertEquals(WorkflowStatus.COMPLETED, optional.status());
    assertEquals(List.of("null", Optional.empty()), received);
  }

  @Test
  void aNonCriticalStepThatReturnsNullDegradesToItsNeutralDefault() {
    WorkflowResult<Object> result =
        run(StepDescriptor.builder("extract").nonCritical(List.of()), sync((s, ctx) -> null));
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, result.status());
    assertInstanceOf(NullOutputException.class, result.degradedSteps().get(0).cause());
    assertEquals(List.of(List.of()), received, "the neutral default, as DESIGN.md states it");
  }

  @Test
  void aFallbackThatReturnsNullCountsAsAFailedFallback() {
    WorkflowResult<Object> result =
        run(
            StepDescriptor.builder("extract"),
            sync((s, ctx) -> {
                  throw new IllegalStateException("down");
                })
                .fallback((s, failure) -> null));
    assertEquals(WorkflowStatus.FAILED, result.status());
    assertEquals("down", result.failure().getMessage());
    assertInstanceOf(NullOutputException.class, result.failure().getSuppressed()[0]);
    assertTrue(
        result
            .failure()
            .getSuppressed()[0]
            .getMessage()
            .contains("has a fallback that returned null"));
    assertNull(result.output());
    assertEquals(List.of(), received);
  }
}
