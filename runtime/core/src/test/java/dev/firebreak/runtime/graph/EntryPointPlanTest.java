package dev.firebreak.runtime.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The slot layout a plan states, and the mistakes in it that {@code build()} refuses. */
class EntryPointPlanTest {
  private static final int TEXT = 0;
  private static final int UNUSED = 1;
  private static final int PARSED = 2;
  private static final int PRICED = 3;
  private static final int COUNT = 4;

  /** A plan named {@code p} with one input in {@link #TEXT}, in the stated layout. */
  private static EntryPointPlan plan(int output, StepDescriptor... steps) {
    return EntryPointPlan.builder("w", "p")
        .input("a", TEXT)
        .steps(steps)
        .output(output)
        .slots(COUNT)
        .graphHash("h")
        .build();
  }

  private static StepDescriptor.Builder step(String name) {
    return StepDescriptor.builder(name).timeout(Duration.ofSeconds(1));
  }

  @Test
  void aStatedLayoutPlacesInputsAndStepsByName() {
    EntryPointPlan plan =
        EntryPointPlan.builder("w", "price")
            .input("java.lang.String", TEXT)
            .steps(
                step("parse").inputs(TEXT).output(PARSED).build(),
                step("audit").inputs(TEXT).output(UNUSED).build(),
                step("price").inputs(PARSED).output(PRICED).after("audit").build())
            .output(PRICED)
            .slots(COUNT)
            .graphHash("h")
            .build();
    assertEquals(TEXT, plan.inputSlot(0));
    assertEquals(PARSED, plan.slotOf(0));
    assertEquals(PRICED, plan.slotOf(2));
    assertEquals(COUNT, plan.slotCount());
    assertArrayEquals(new int[] {1}, plan.steps().get(2).afterSteps(), "after by name, resolved");
    assertEquals(List.of(), plan.inputCodecs(), "no codec given: the inputs are not stored");
    assertNull(plan.deadline());
  }

  @Test
  void thePositionalLayoutIsUnchanged() {
    EntryPointPlan plan =
        new EntryPointPlan(
            "w", "p", List.of("a"), List.of(step("s").inputs(0).build()), 1, null, "h");
    assertEquals(0, plan.inputSlot(0));
    assertEquals(1, plan.slotOf(0));
    assertEquals(2, plan.slotCount());
    assertNull(plan.inputSlots());
  }

  @Test
  void aSlotWrittenTwiceIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plan(TEXT, step("s").inputs(TEXT).output(TEXT).build()));
    assertEquals("step s writes slot 0, already written", e.getMessage());
  }

  @Test
  void aSlotReadBeforeItIsWrittenIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                plan(
                    PRICED,
                    step("second").inputs(PARSED).output(PRICED).build(),
                    step("first").inputs(TEXT).output(PARSED).build()));
    assertEquals("step second reads slot 2: no input or earlier step writes it", e.getMessage());
  }

  @Test
  void waitingForAStepNotEarlierInThePlanIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> plan(PARSED, step("s").inputs(TEXT).output(PARSED).after("later").build()));
    assertEquals("step s waits for 'later', which is not an earlier step of p", e.getMessage());
  }

  @Test
  void aSlotOutsideTheRunsSlotsAndAnUnwrittenOutputAreRefused() {
    assertEquals(
        "step s writes slot 4, outside 0..3",
        assertThrows(
                IllegalArgumentException.class,
                () -> plan(TEXT, step("s").inputs(TEXT).output(COUNT).build()))
            .getMessage());
    assertEquals(
        "outputSlot 3 of p is written by no input or step",
        assertThrows(
                IllegalArgumentException.class,
                () -> plan(PRICED, step("s").inputs(TEXT).output(PARSED).build()))
            .getMessage());
  }

  @Test
  void aStepWithoutAnOutputSlotInAStatedLayoutIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> plan(TEXT, step("s").inputs(TEXT).build()));
    assertEquals("step s names no output slot, though the plan states its layout", e.getMessage());
  }

  @Test
  void policiesBuiltByNameEqualTheirPositionalForm() {
    assertEquals(
        new RetryPolicy(
            4,
            Duration.ofSeconds(1),
            2.0,
            Duration.ofMinutes(1),
            0.2,
            List.of(IllegalStateException.class),
            List.of(IllegalArgumentException.class),
            null),
        RetryPolicy.builder()
            .maxAttempts(4)
            .jitter(0.2)
            .retryOn(IllegalStateException.class)
            .abortOn(IllegalArgumentException.class)
            .build());
    assertEquals(RetryPolicy.DEFAULTS, RetryPolicy.builder().build());
    assertEquals(
        new CircuitBreakerPolicy(
            "api", 5, Duration.ofSeconds(30), 1, 0.5, 10, List.of(Exception.class), List.of()),
        CircuitBreakerPolicy.builder("api").failureRatio(0.5).window(10).build());
  }
}
