package dev.firebreak.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records print what a person needs, never a byte array's identity. */
class ReadableRecordsTest {

  @Test
  void aRunRecordShowsWhereTheRunStands() {
    Map<String, byte[]> outputs = new LinkedHashMap<>();
    outputs.put("extract", new byte[120]);
    outputs.put("validate", new byte[8]);
    RunRecord record =
        new RunRecord(
            "INV-42",
            "com.acme.InvoiceWorkflow",
            "process",
            "h",
            WorkflowStatus.RUNNING,
            outputs,
            Map.of("extract", 2),
            new byte[84],
            null);
    assertEquals(
        "RunRecord[runId=\"INV-42\", workflow=com.acme.InvoiceWorkflow, entryPoint=process,"
            + " status=RUNNING, checkpoints=[extract (120 B), validate (8 B)],"
            + " attempts={extract=2}, inputs=84 B, output=not stored]",
        record.toString());
  }

  @Test
  void aDeadLetterShowsWhyAndWhereTheRunFailed() {
    byte[] inputs = "0000{\"file\":\"scan.pdf\"}".getBytes(StandardCharsets.UTF_8);
    DeadLetter letter =
        new DeadLetter(
            "INV-42",
            "com.acme.InvoiceWorkflow",
            "process",
            DeadLetterReason.RETRIES_EXHAUSTED,
            "extract",
            "com.acme.Invoice.OcrAgent#extract",
            3,
            List.of(
                "java.io.IOException: OCR timed out\n\tafter 30 s",
                "java.net.SocketTimeoutException: read timed out"),
            Instant.parse("2026-11-30T21:00:00Z"),
            inputs);
    String text = letter.toString();
    assertEquals(
        "DeadLetter[runId=\"INV-42\", workflow=com.acme.InvoiceWorkflow, entryPoint=process,"
            + " reason=RETRIES_EXHAUSTED, step=extract (Invoice.OcrAgent#extract), attempts=3,"
            + " error=java.io.IOException: OCR timed out … (1 more cause),"
            + " time=2026-11-30T21:00:00Z, inputs=23 B]",
        text);
    assertFalse(text.contains("[B@"), text);
  }

  @Test
  void aRunIdThatCouldForgeALogLineIsEscaped() {
    RunRecord record =
        new RunRecord(
            "a\nFAKE", "w", "e", "h", WorkflowStatus.FAILED, Map.of(), Map.of(), null, null);
    assertFalse(record.toString().contains("\n"), record.toString());
  }
}
