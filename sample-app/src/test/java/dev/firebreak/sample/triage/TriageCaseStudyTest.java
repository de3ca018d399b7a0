package dev.firebreak.sample.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.sample.triage.server.ModelFaults.Fault;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The triage case study end to end: real LangChain4j OpenAI clients against the local server that
 * injects the seeded faults, plain LangChain4j beside Firebreak on the same inbox.
 */
class TriageCaseStudyTest {
  @TempDir Path dir;

  @Test
  void firebreakTriagesWhatPlainLangChain4jLosesAndNamesWhatDegraded() throws Exception {
    int n = 60;
    TriageStudy.Report r = TriageStudy.run(TriageStudy.Options.local(n, 42), dir);
    String table = r.render();
    TriageStudy.Firebreak fb = r.firebreak();
    TriageStudy.Plain plain = r.plain();

    int done = fb.count(WorkflowStatus.COMPLETED) + fb.count(WorkflowStatus.COMPLETED_DEGRADED);
    int failed = fb.count(WorkflowStatus.FAILED);
    assertEquals(n, done + failed, "every ticket ends, none is lost: " + table);
    assertEquals(
        failed,
        fb.deadLetters().values().stream().mapToInt(Integer::intValue).sum(),
        "every failed ticket is a dead letter: " + table);
    assertTrue(done >= 0.9 * n, table);
    assertTrue(plain.outcome().completed() <= done - 0.1 * n, table);
    assertEquals(n, plain.outcome().completed() + plain.outcome().failed(), table);
    assertTrue(plain.outcome().failed() > 0, "the faults bite plain LangChain4j: " + table);

    // The outage of the primary model: the writer fails over, and the run says so.
    assertTrue(fb.billing().faults().getOrDefault(Fault.OUTAGE, 0L) > 0, table);
    assertTrue(fb.draftedByBackup() > 0, table);
    int degraded = fb.count(WorkflowStatus.COMPLETED_DEGRADED);
    assertTrue(degraded > 0, table);
    assertTrue(
        fb.draftedByBackup() + fb.notReviewed() >= degraded,
        "each degraded run names its backup draft or its missing review: " + table);

    // Tokens: what ModelTokenMeters counted by step is what the answers received carried, so at
    // most what the server billed (which also bills answers a timed-out client hung up on).
    long metered = fb.tokensByStep().values().stream().mapToLong(Long::longValue).sum();
    assertTrue(metered > 0 && metered <= fb.billing().tokens(), table);
    assertTrue(fb.tokensByStep().containsKey("draft (backup)"), table);
    assertTrue(table.contains("End-to-end success"), table);
  }

  @Test
  void badArgumentsAreRefusedSayingWhatIsWrong() {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    Map<List<String>, String> refused =
        Map.of(
            List.of("--tickets", "0"), "--tickets must be within 1..2000",
            List.of("--tickets", "many"), "--tickets needs a number, not many",
            List.of("--model", "m"), "--model, --backup-model and --api-key need --base-url",
            List.of("--base-url", "http://127.0.0.1:1/v1"), "--base-url needs --model",
            List.of("--colour", "red"), "unknown option --colour",
            List.of("--seed"), "missing value after --seed");
    refused.forEach(
        (args, message) ->
            assertEquals(
                message,
                assertThrows(IllegalArgumentException.class, () -> TriageCommand.execute(args, out))
                    .getMessage(),
                args.toString()));
  }
}
