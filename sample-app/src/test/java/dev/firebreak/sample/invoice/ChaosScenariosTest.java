package dev.firebreak.sample.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's four chaos tests on the case study, time compressed; each bounded and self-stopping.
 */
class ChaosScenariosTest {
  @TempDir Path dir;

  @Test
  void agentTimeoutOpensTheBreakerParksRunsAndEveryRunCompletesOnRecovery() throws Exception {
    ChaosScenarios.Outcome o = ChaosScenarios.agentTimeout(dir, 60);
    assertTrue(o.fact("breaker openings") >= 1, o.render());
    assertTrue(o.fact("runs parked at the peak") >= 1, o.render());
    assertEquals(60, o.completed(), o.render());
    assertEquals(0, o.lost(), o.render());
    assertEquals(0, o.fact("dead letters left"), o.render());
  }

  @Test
  void completeFailureLosesNothingAndReplaysFromCheckpoints() throws Exception {
    ChaosScenarios.Outcome o = ChaosScenarios.completeFailure(dir, 60);
    assertEquals(0, o.fact("completed while the ledger was down"), o.render());
    assertEquals(60, o.fact("queued (dead letters)"), o.render());
    assertEquals(60, o.fact("completed on replay"), o.render());
    assertEquals(
        0, o.fact("OCR calls during the replay"), "extraction was checkpointed: " + o.render());
    assertEquals(60, o.fact("ledger entries booked"), o.render());
    assertEquals(0, o.lost(), o.render());
  }

  @Test
  void aTenfoldBurstIsAdmittedUpToTheLimitAndNothingAdmittedIsLost() throws Exception {
    ChaosScenarios.Outcome o = ChaosScenarios.saturation(dir, 40);
    assertEquals(400, o.fact("arrived at once"));
    assertTrue(o.fact("refused at once (OverloadedException)") > 0, o.render());
    assertEquals(
        400, o.fact("admitted") + o.fact("refused at once (OverloadedException)"), o.render());
    assertTrue(o.fact("most runs in flight") <= 40, o.render());
    assertEquals(400, o.invoices(), "the header counts every invoice that arrived: " + o.render());
    assertEquals(o.fact("admitted"), o.completed(), o.render());
    assertEquals(0, o.lost(), o.render());
  }

  @Test
  void corruptedInputIsDeadLetteredAndOtherRunsAreUnaffected() throws Exception {
    ChaosScenarios.Outcome o = ChaosScenarios.corruptedData(dir, 100);
    assertEquals(10, o.fact("dead letters INVALID_INPUT"), o.render());
    assertEquals(0, o.fact("other dead letters"), o.render());
    assertEquals(90, o.completed(), o.render());
    assertEquals(0, o.lost(), o.render());
  }
}
