package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.DeclaringMethod;
import dev.firebreak.runtime.graph.RetryPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failed step is named with the agent method that declares it: in short form in messages, in full
 * in results. The step's name stays what it is everywhere.
 */
class DeclaredByTest {
  private static final RetryPolicy TWICE =
      new RetryPolicy(
          2, Duration.ZERO, 1.0, Duration.ZERO, 0, List.of(Exception.class), List.of(), null);

  private final List<FirebreakEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final FirebreakRuntime runtime =
      FirebreakRuntime.builder()
          .checkpointStore(new InMemoryCheckpointStore())
          .executor(Runnable::run)
          .scheduler(new ManualScheduler())
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
}
