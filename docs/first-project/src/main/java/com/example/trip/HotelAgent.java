package com.example.trip;

import dev.firebreak.annotations.Checkpointed;
import dev.firebreak.annotations.Retry;
import dev.firebreak.annotations.Step;

public final class HotelAgent {
  private int calls;

  /** Fails its first call, as a flaky hotel API would: the retry makes up for it. */
  @Step
  @Retry(maxAttempts = 3, delay = "10ms")
  @Checkpointed
  public Room reserve(String city) {
    if (++calls == 1) {
      throw new IllegalStateException("hotel API busy");
    }
    return new Room(city, "101");
  }
}
