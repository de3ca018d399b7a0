package dev.firebreak.sample.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case study with its OCR agent in worker JVMs behind Redis Streams: one worker is SIGKILLed
 * mid-batch, and every invoice is still processed, its OCR done under one idempotency key however
 * often it ran, by a ledger outside the stores.
 */
class RemoteOcrTest {
  @TempDir Path dir;

  @Test
  void aWorkerKilledMidBatchLosesNoInvoiceAndDoesNoOcrTwice() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RemoteOcr.Outcome outcome =
        RemoteOcr.demo(150, 42, dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String report = bytes.toString(StandardCharsets.UTF_8) + outcome.render();
    assertEquals(150, outcome.completed(), report);
    assertEquals(0, outcome.failed(), report);
    assertEquals(0, outcome.lost(), report);
    assertEquals(0, outcome.duplicateEffects(), report);
    assertTrue(outcome.killedAfter() >= 50 && outcome.killedAfter() < 150, report);
    assertTrue(
        outcome.effectsByWorker().getOrDefault("worker-a", 0) > 0,
        "the killed worker had served calls: " + report);
    assertTrue(outcome.executions() >= 150, report);
    assertTrue(report.contains("lost=0 duplicate_effects=0"), report);
  }
}
