package dev.firebreak.spring.trip;

import dev.firebreak.annotations.Checkpointed;
import dev.firebreak.annotations.Step;
import org.springframework.stereotype.Component;

@Component
public class HotelAgent {
  @Step
  @Checkpointed
  public Room reserve(String city) {
    return new Room(city, "101");
  }
}
