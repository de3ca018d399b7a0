package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryAfterHeadersTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void secondsMillisecondsAndHttpDatesAreRead() {
    assertEquals(
        Duration.ofSeconds(2), RetryAfterHeaders.parse(Map.of("Retry-After", List.of("2")), NOW));
    assertEquals(
        Duration.ofMillis(1500),
        RetryAfterHeaders.parse(
            Map.of("retry-after-ms", List.of("1500"), "retry-after", List.of("2")), NOW),
        "the finer header first");
    assertEquals(
        Duration.ofSeconds(30),
        RetryAfterHeaders.parse(
            Map.of("retry-after", List.of("Tue, 01 Dec 2026 12:00:30 GMT")), NOW));
  }

  @Test
  void aDateInThePastIsNoWaitAndGarbageIsNoHint() {
    assertEquals(
        Duration.ZERO,
        RetryAfterHeaders.parse(
            Map.of("Retry-After", List.of("Tue, 01 Dec 2026 11:00:00 GMT")), NOW));
    assertNull(RetryAfterHeaders.parse(Map.of("Retry-After", List.of("soon")), NOW));
    assertNull(RetryAfterHeaders.parse(Map.of(), NOW));
  }
}
