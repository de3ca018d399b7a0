package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.DeclaringMethod;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * A failed step is named with the agent method that declares it: in short form in messages, in full
 * in results. The step's name stays what it is everywhere.
 */
class DeclaredByTest {
  private static final RetryPolicy TWICE =
      new RetryPolicy(
          2, Duration.ZERO, 1.0, Duration.ZERO, 0, List.of(Exception.class), List.of(), null);

  private final ManualScheduler clock = new ManualScheduler();
  private final List<FirebreakEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final FirebreakRuntime runtime =
      FirebreakRuntime.builder()
          .checkpointStore(new InMemoryCheckpointStore())
          .executor(Runnable::run)
          .scheduler(clock)
          .listener(events::add)
          .build();

  /** extract (retried twice, always failing) → post. */
  private BoundEntryPoint failingExtract(String declaredBy) {
    StepDescriptor.Builder extract = StepDescriptor.builder("extract").inputs(0).retry(TWICE);
    if (declaredBy != null) {
      extract.declaredBy(declaredBy);
    }
    return Flow.of("invoice", 1)
        .step(
            extract,
            sync(
                (s, ctx) -> {
                  throw new IOException("ocr down");
                }))
        .step(
            StepDescriptor.builder("post").inputs(1).declaredBy("com.acme.AccountingAgent#post"),
            sync((s, ctx) -> "posted " + s[1]))
        .bind(runtime);
  }

  @Test
  void theShortFormDropsThePackageAndKeepsEnclosingClasses() {
    assertEquals(
        "Invoice.OcrAgent#extract",
        DeclaringMethod.shortForm("test.invoice.Invoice.OcrAgent#extract"));
    assertEquals("OcrAgent#extract", DeclaringMethod.shortForm("com.acme.OcrAgent#extract"));
    assertEquals("OcrAgent#extract", DeclaringMethod.shortForm("OcrAgent#extract"));
    assertEquals("ocrAgent#extract", DeclaringMethod.shortForm("com.acme.ocrAgent#extract"));
    assertEquals("OcrAgent", DeclaringMethod.shortForm("com.acme.OcrAgent"));
    assertEquals("", DeclaringMethod.shortForm(""));
    assertEquals("", DeclaringMethod.shortForm(null));
    assertEquals(" (OcrAgent#extract)", DeclaringMethod.inParentheses("com.acme.OcrAgent#extract"));
    assertEquals("", DeclaringMethod.inParentheses(""));
  }

  @Test
  void theFailureMessageNamesTheDeclaringMethodInShortForm() {
    BoundEntryPoint entry = failingExtract("com.acme.OcrAgent#extract");
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> entry.run("r1", "scan-1"));
    assertEquals(
        "run r1 of test.Flow ended FAILED: step 'extract' (OcrAgent#extract) failed after 2"
            + " attempts (java.io.IOException: ocr down)",
        e.getMessage());
    assertEquals("extract", e.failedStep(), "the step's name is unchanged");
    assertEquals("com.acme.OcrAgent#extract", e.failedStepDeclaredBy());
    assertEquals("com.acme.OcrAgent#extract", e.result().failedStepDeclaredBy());
  }

  @Test
  void enclosingClassesStayInTheMessage() {
    WorkflowResult<Object> result =
        failingExtract("test.invoice.Invoice.OcrAgent#extract").runForResult("r1", "scan-1");
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, result::orElseThrow);
    assertEquals(
        "run r1 of test.Flow ended FAILED: step 'extract' (Invoice.OcrAgent#extract) failed after 2"
            + " attempts (java.io.IOException: ocr down)",
        e.getMessage());
    assertEquals("test.invoice.Invoice.OcrAgent#extract", result.failedStepDeclaredBy());
  }

  @Test
  void withoutADeclaringMethodTheMessageReadsAsBefore() {
    BoundEntryPoint entry = failingExtract(null);
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> entry.run("r1", "scan-1"));
    assertEquals(
        "run r1 of test.Flow ended FAILED: step 'extract' failed after 2 attempts"
            + " (java.io.IOException: ocr down)",
        e.getMessage());
    assertEquals("", e.failedStepDeclaredBy());
  }

  @Test
  void theDeadLetterCarriesTheFullForm() {
    failingExtract("test.invoice.Invoice.OcrAgent#extract").runForResult("r1", "scan-1");
    DeadLetter letter = runtime.deadLetters().list().get(0);
    assertEquals("extract", letter.step(), "the step's name is unchanged");
    assertEquals("test.invoice.Invoice.OcrAgent#extract", letter.declaredBy());
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof FirebreakEvent.DeadLettered d
                        && d.letter().declaredBy().equals("test.invoice.Invoice.OcrAgent#extract")),
        events.toString());
  }

  @Test
  void aDeadLetterBuiltWithoutADeclaringMethodHasAnEmptyOne() {
    Instant t = Instant.parse("2026-11-30T10:00:00Z");
    List<String> chain = List.of("boom");
    assertEquals(
        "",
        new DeadLetter("r1", "wf", "p", DeadLetterReason.RETRIES_EXHAUSTED, "b", 3, chain, t)
            .declaredBy());
    assertEquals(
        "",
        new DeadLetter("r1", "wf", "p", DeadLetterReason.RETRIES_EXHAUSTED, "b", 3, chain, t, null)
            .declaredBy());
    assertEquals(
        "",
        new DeadLetter(
                "r1", "wf", "p", DeadLetterReason.RETRIES_EXHAUSTED, "b", null, 3, chain, t, null)
            .declaredBy(),
        "null reads as unknown");
  }

  @Test
  void aSuccessfulRunNamesNoDeclaringMethod() {
    WorkflowResult<Object> result =
        Flow.of("invoice", 1)
            .step(
                StepDescriptor.builder("extract").inputs(0).declaredBy("com.acme.OcrAgent#extract"),
                sync((s, ctx) -> "text"))
            .bind(runtime)
            .runForResult(null, "scan-1");
    assertEquals(WorkflowStatus.COMPLETED, result.status());
    assertEquals("", result.failedStepDeclaredBy());
  }

  /** The step and declaring method an event names, or null for an event about no step. */
  private static List<String> stepOf(FirebreakEvent event) {
    if (event instanceof FirebreakEvent.AttemptStarted e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.AttemptSucceeded e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.AttemptFailed e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.RetryScheduled e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.StepDegraded e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.Compensated e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.CompensationFailed e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.RunParked e) {
      return List.of(e.step(), e.declaredBy());
    } else if (event instanceof FirebreakEvent.RunUnparked e) {
      return List.of(e.step(), e.declaredBy());
    }
    return null;
  }

  @Test
  void everyEventAboutAStepCarriesItsDeclaringMethodInFull() {
    Map<String, String> declaredBy =
        Map.of(
            "reserve", "com.acme.Ledger#reserve",
            "book", "com.acme.Ledger#book",
            "match", "test.invoice.Invoice.MatchingAgent#match",
            "extract", "com.acme.OcrAgent#extract");
    CompletionStage<WorkflowResult<Object>> run =
        Flow.of("saga", 1)
            .step(
                StepDescriptor.builder("reserve").inputs(0).declaredBy(declaredBy.get("reserve")),
                sync((s, ctx) -> "R").compensation((out, s, ctx) -> {}))
            .step(
                StepDescriptor.builder("book").inputs(1).declaredBy(declaredBy.get("book")),
                sync((s, ctx) -> "B")
                    .compensation(
                        (out, s, ctx) -> {
                          throw new IOException("ledger down");
                        }))
            .step(
                StepDescriptor.builder("match")
                    .inputs(2)
                    .retry(TWICE)
                    .declaredBy(declaredBy.get("match")),
                sync((s, ctx) -> {
                      throw new IOException("no exact match");
                    })
                    .fallback((s, failure) -> "suggested"))
            .step(
                StepDescriptor.builder("extract")
                    .inputs(3)
                    .retry(TWICE)
                    .declaredBy(declaredBy.get("extract")),
                sync(
                    (s, ctx) -> {
                      throw new IOException("ocr down");
                    }))
            .bind(runtime)
            .runAsyncForResult("r1", "scan-1");
    clock.advance(Duration.ofSeconds(10)); // the failing compensation's retries
    WorkflowResult<Object> result = run.toCompletableFuture().join();
    assertEquals(WorkflowStatus.COMPENSATION_FAILED, result.status());

    Set<Class<?>> kinds = new HashSet<>();
    for (FirebreakEvent event : events) {
      List<String> step = stepOf(event);
      if (step != null) {
        assertEquals(declaredBy.get(step.get(0)), step.get(1), event.toString());
        kinds.add(event.getClass());
      }
    }
    assertEquals(
        Set.of(
            FirebreakEvent.AttemptStarted.class,
            FirebreakEvent.AttemptSucceeded.class,
            FirebreakEvent.AttemptFailed.class,
            FirebreakEvent.RetryScheduled.class,
            FirebreakEvent.StepDegraded.class,
            FirebreakEvent.Compensated.class,
            FirebreakEvent.CompensationFailed.class),
        kinds);
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof FirebreakEvent.AttemptFailed f
                        && f.step().equals("extract")
                        && f.declaredBy().equals("com.acme.OcrAgent#extract")),
        events.toString());
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof FirebreakEvent.StepDegraded d
                        && d.step().equals("match")
                        && d.declaredBy().equals("test.invoice.Invoice.MatchingAgent#match")
                        && d.fallbackUsed()),
        events.toString());
  }

  @Test
  void eventsOfAStepWithoutADeclaringMethodCarryAnEmptyOne() {
    failingExtract(null).runForResult("r1", "scan-1");
    assertTrue(
        events.stream()
            .filter(e -> e instanceof FirebreakEvent.AttemptFailed)
            .map(e -> ((FirebreakEvent.AttemptFailed) e).declaredBy())
            .allMatch(String::isEmpty));
  }
}
