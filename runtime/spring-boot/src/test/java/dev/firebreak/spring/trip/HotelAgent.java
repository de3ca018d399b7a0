package dev.firebreak.spring.trip;

import dev.firebreak.annotations.Checkpointed;
import dev.firebreak.annotations.Step;
import org.springframework.stereotype.Component;

@Component
public class HotelAgent {
  /** The thread the last reservation ran on. */
  public static volatile Thread lastThread;

  @Step
  @Checkpointed
  public Room reserve(String city) {
    lastThread = Thread.currentThread();
    return new Room(city, "101");
  }
}
