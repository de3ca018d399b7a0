package dev.firebreak.runtime.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI-sized crash test: the worker JVM is SIGKILLed at random moments (default 50 times) and
 * restarted; nothing may be lost, re-run or applied twice. The long run is the same with more
 * kills: {@code mvn -pl runtime/core test -Dtest=CrashTest -Dfirebreak.crash.kills=1000
 * -Djunit.jupiter.execution.timeout.default=3h}.
 */
class CrashTest {
  @TempDir Path dir;

  // Bounded by junit-platform.properties' default timeout; the long run raises it with
  // -Djunit.jupiter.execution.timeout.default=3h.
  @Test
  void killNineNeverLosesRerunsOrDuplicatesWork() throws Exception {
    int kills = Integer.getInteger("firebreak.crash.kills", 50);
    // Enough work that every incarnation is still busy when it is killed.
    int runs = Integer.getInteger("firebreak.crash.runs", 200 * kills);
    long seed = Long.getLong("firebreak.crash.seed", 20261124L);
    CrashHarness.Report report = CrashHarness.run(dir, kills, runs, seed);
    System.out.println(
        report + " executions=" + report.executions() + " resumed_runs=" + report.resumed());
    assertEquals(kills, report.kills());
    assertEquals(0, report.lost(), report.toString());
    assertEquals(0, report.rerunCheckpointed(), report.toString());
    assertEquals(0, report.duplicateEffects(), report.toString());
    assertTrue(
        report.resumed() > 0, "the kills interrupted runs that were then resumed: " + report);
  }
}
