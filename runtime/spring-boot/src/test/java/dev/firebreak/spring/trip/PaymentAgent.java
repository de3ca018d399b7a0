package dev.firebreak.spring.trip;

import dev.firebreak.annotations.Step;
import java.util.concurrent.CountDownLatch;
import org.springframework.stereotype.Component;

/** Charges for a room; holds a charge for the city "Hold" until {@link #release} opens. */
@Component
public class PaymentAgent {
  public static volatile CountDownLatch release = new CountDownLatch(0);
  public static final CountDownLatch holding = new CountDownLatch(1);

  @Step
  public Booking charge(Room room) throws InterruptedException {
    if (room.city().equals("Hold")) {
      holding.countDown();
      release.await();
    }
    return new Booking(room, 120);
  }
}
