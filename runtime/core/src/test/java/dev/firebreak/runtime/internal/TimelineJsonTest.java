package dev.firebreak.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.TimelineEntry.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timeline as stores keep it: JSON lines, appended by many writes, read back as entries. */
class TimelineJsonTest {
  private static final Instant T0 = Instant.parse("2026-12-01T05:15:09.120Z");

  private static TimelineEntry failed(int attempt, List<String> chain) {
    return new TimelineEntry(
        T0.plusMillis(attempt),
        "ocr",
        Kind.FAILED,
        attempt,
        Duration.ofNanos(12_345_000),
        "",
        chain);
  }

  @Test
  void entriesWrittenByManyWritesReadBackInTimeOrderEachOnce() {
    TimelineEntry first = failed(1, List.of("java.io.IOException: scanner offline"));
    TimelineEntry parked =
        new TimelineEntry(T0.plusMillis(2), "ocr", Kind.PARKED, 0, Duration.ZERO, "ocr", List.of());
    TimelineEntry done =
        new TimelineEntry(
            T0.plusMillis(3), "ocr", Kind.SUCCEEDED, 2, Duration.ofMillis(4), "", List.of());
    String second = TimelineJson.encode(List.of(done));
    // A later write may hold an earlier entry (a parallel branch's), and a write tried again after
    // its connection broke may have appended its lines twice.
    String stored =
        TimelineJson.encode(List.of(first))
            + second
            + TimelineJson.encode(List.of(parked))
            + second;
    assertEquals(List.of(first, parked, done), TimelineJson.decode(stored));
    assertTrue(
        stored.startsWith(
            "{\"at\":\"2026-12-01T05:15:09.121000Z\",\"step\":\"ocr\",\"kind\":\"FAILED\","
                + "\"attempt\":1,\"tookMs\":12.345,\"error\":[\"java.io.IOException: scanner"
                + " offline\"]}\n"),
        stored);
  }

  @Test
  void anErrorChainIsBoundedInLengthAndDepth() {
    List<String> chain = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      chain.add(
          "java.lang.IllegalStateException: " + String.join("", Collections.nCopies(200, "x")));
    }
    chain.set(0, "E: " + "y".repeat(5_000));
    TimelineEntry read = TimelineJson.decode(TimelineJson.encode(List.of(failed(1, chain)))).get(0);
    assertEquals(TimelineJson.MAX_CAUSES, read.errorChain().size());
    assertEquals(TimelineJson.MAX_ERROR_CHARS, read.errorChain().get(0).length());
    assertEquals(chain.get(1), read.errorChain().get(1));
  }

  @Test
  void aLineThatIsNotAnEntryIsNamed() {
    String stored = TimelineJson.encode(List.of(failed(1, List.of()))) + "{\"at\":\"soon\"}\n";
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TimelineJson.decode(stored));
    assertTrue(e.getMessage().startsWith("line 2 of the timeline is not an entry"), e.getMessage());
    assertEquals(List.of(), TimelineJson.decode(""));
    assertEquals(List.of(), TimelineJson.decode(null));
  }

  @Test
  void unknownFieldsOfALaterReleaseAreSkipped() {
    String line =
        "{\"at\":\"2026-12-01T05:15:09.120Z\",\"node\":{\"id\":\"n1\"},\"step\":\"ocr\","
            + "\"kind\":\"SUCCEEDED\",\"attempt\":1}\n";
    TimelineEntry read = TimelineJson.decode(line).get(0);
    assertEquals(Kind.SUCCEEDED, read.kind());
    assertEquals(Duration.ZERO, read.took());
    assertEquals("", read.detail());
  }

  @Test
  void timesAndDurationsAreKeptToTheMicrosecond() {
    assertEquals("1970-01-01T00:00:00.000007Z", TimelineJson.iso(Instant.ofEpochSecond(0, 7_999)));
    assertEquals("2026-12-01T05:15:10.000000Z", TimelineJson.iso(T0.plusMillis(880)));
    assertEquals("2026-12-01T05:15:09.120000Z", TimelineJson.iso(T0), "a second read again");
    assertEquals("0.001", TimelineJson.millis(Duration.ofNanos(1_999)));
    assertEquals("1234.050", TimelineJson.millis(Duration.ofNanos(1_234_050_000)));
    TimelineEntry e =
        new TimelineEntry(
            T0.plusNanos(1_001), "ocr", Kind.SUCCEEDED, 1, Duration.ofNanos(1_999), "", List.of());
    TimelineEntry read = TimelineJson.decode(TimelineJson.encode(List.of(e))).get(0);
    assertEquals(T0.plusNanos(1_000), read.at());
    assertEquals(Duration.ofNanos(1_000), read.took());
  }
}
