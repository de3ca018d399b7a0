package dev.firebreak.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.TimelineEntry;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run notes for the runs API, before any store sees it. */
class RunTimelineTest {
  private static final Instant START = Instant.parse("2026-12-01T05:00:00Z");

  @Test
  void aRunKeepsAtMostItsCapOfEntriesAndSaysHowManyItLeftOut() {
    RunTimeline timeline = new RunTimeline(START, 0);
    for (int i = 1; i <= RunTimeline.MAX_ENTRIES + 5; i++) {
      timeline.attempt("ocr", i, i * 1_000_000L, i * 1_000_000L + 10, new IOException("down"));
    }
    List<TimelineEntry> written = timeline.drain();
    assertEquals(RunTimeline.MAX_ENTRIES + 1, written.size());
    TimelineEntry omitted = written.get(written.size() - 1);
    assertEquals(TimelineEntry.Kind.OMITTED, omitted.kind());
    assertEquals(5, omitted.attempt());
    assertEquals(START.plusMillis(RunTimeline.MAX_ENTRIES + 5), omitted.at(), "the last left out");
    assertTrue(omitted.toString().endsWith("* OMITTED 5 entries left out"), omitted.toString());
    timeline.attempt("ocr", 2_000, 0, 1, null);
    List<TimelineEntry> later = timeline.drain();
    assertEquals(1, later.size(), "still over its cap: one more left out");
    assertEquals(1, later.get(0).attempt());
  }

  @Test
  void aRunParkedOnTwoBreakersListsUnderOneItStillWaitsFor() {
    RunTimeline timeline = new RunTimeline(START, 0);
    timeline.parked("ocr", 1, "ocr-api");
    timeline.parked("po", 2, "po-api");
    assertEquals("ocr-api", timeline.parkedOn());
    timeline.unparked("ocr-api");
    assertEquals("po-api", timeline.parkedOn(), "not the breaker it left");
    timeline.unparked("po-api");
    assertNull(timeline.parkedOn());
  }

  @Test
  void aWriteThatFailedLeavesItsEntriesForTheNext() {
    RunTimeline timeline = new RunTimeline(START, 0);
    assertFalse(timeline.changed());
    timeline.retryStarted();
    timeline.circuitOpen("ocr", 2, 5, new IllegalStateException("open"));
    assertTrue(timeline.changed());
    List<TimelineEntry> first = timeline.drain();
    assertFalse(timeline.changed());
    timeline.giveBack(first);
    assertTrue(timeline.changed());
    assertEquals(first, timeline.drain());
    assertEquals(1, timeline.retrying());
    timeline.retryEnded();
    assertEquals(0, timeline.retrying());
  }
}
