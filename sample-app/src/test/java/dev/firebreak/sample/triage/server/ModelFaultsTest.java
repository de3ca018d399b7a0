package dev.firebreak.sample.triage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.sample.triage.server.ModelFaults.Fault;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fault draw: seeded, per prompt and request, refusals for good, outages by the clock. */
class ModelFaultsTest {
  private static final Duration CALM = Duration.ZERO;

  @Test
  void theSameRequestDrawsTheSameFaultAndARetryDrawsAfresh() {
    ModelFaults faults = ModelFaults.primary(7);
    Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
    int differs = 0;
    for (int i = 0; i < 2000; i++) {
      String prompt = "ticket " + i;
      Fault first = faults.draw("m", prompt, 0, CALM, false);
      assertEquals(first, faults.draw("m", prompt, 0, CALM, false), prompt);
      differs += first != faults.draw("m", prompt, 1, CALM, false) ? 1 : 0;
      seen.merge(first, 1, Integer::sum);
    }
    assertTrue(differs > 100, "a retry draws afresh: " + differs);
    // 5 % rate limits of 2000 requests: well within 50..150 for any fair stream.
    int limited = seen.getOrDefault(Fault.RATE_LIMITED, 0);
    assertTrue(limited > 50 && limited < 150, seen.toString());
    assertTrue(seen.getOrDefault(Fault.NONE, 0) > 1300, seen.toString());
  }

  @Test
  void aRefusedPromptIsRefusedEveryTimeAndAnotherSeedRefusesOthers() {
    ModelFaults faults = new ModelFaults(3, 0, 0, 0, 0, 0, 0.5, Duration.ZERO, null, null);
    int refused = 0;
    int sameInOtherSeed = 0;
    ModelFaults other = new ModelFaults(4, 0, 0, 0, 0, 0, 0.5, Duration.ZERO, null, null);
    for (int i = 0; i < 200; i++) {
      String prompt = "p" + i;
      Fault f = faults.draw("m", prompt, 0, CALM, false);
      for (int nth = 1; nth < 5; nth++) {
        assertEquals(f, faults.draw("m", prompt, nth, CALM, false), prompt);
      }
      refused += f == Fault.REFUSAL ? 1 : 0;
      sameInOtherSeed += f == other.draw("m", prompt, 0, CALM, false) ? 1 : 0;
    }
    assertTrue(refused > 60 && refused < 140, "about half: " + refused);
    assertNotEquals(200, sameInOtherSeed);
  }

  @Test
  void aRepromptIsNeverAnsweredOutOfFormAndAnOutageAnswersEverything() {
    ModelFaults broken =
        new ModelFaults(
            1, 0, 0, 0, 0, 1, 0, Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5));
    assertEquals(Fault.SCHEMA_BROKEN, broken.draw("m", "p", 0, CALM, false));
    assertEquals(Fault.NONE, broken.draw("m", "p", 1, CALM, true));
    assertEquals(Fault.OUTAGE, broken.draw("m", "p", 2, Duration.ofSeconds(10), true));
    assertEquals(Fault.OUTAGE, broken.draw("m", "p", 2, Duration.ofMillis(14_999), false));
    assertEquals(Fault.SCHEMA_BROKEN, broken.draw("m", "p", 2, Duration.ofSeconds(15), false));
  }

  @Test
  void impossibleProfilesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelFaults(1, 1.5, 0, 0, 0, 0, 0, Duration.ZERO, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelFaults(1, 0.6, 0.6, 0, 0, 0, 0, Duration.ZERO, null, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ModelFaults(1, 0, 0, 0, 0, 0, 0, Duration.ZERO, Duration.ZERO, null));
  }
}
