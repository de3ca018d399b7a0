package dev.firebreak.spring.trip;

import dev.firebreak.annotations.CircuitBreaker;
import dev.firebreak.annotations.Step;
import java.util.concurrent.CountDownLatch;
import org.springframework.stereotype.Component;

/**
 * Charges for a room, through the "payments" breaker; holds a charge for the city "Hold" until
 * {@link #release} opens, and refuses one for the city "Broke" while {@link #declining}.
 */
@Component
public class PaymentAgent {
  public static volatile CountDownLatch release = new CountDownLatch(0);
  public static final CountDownLatch holding = new CountDownLatch(1);
  public static volatile boolean declining = true;

  @Step
  @CircuitBreaker(name = "payments")
  public Booking charge(Room room) throws InterruptedException {
    if (room.city().equals("Broke") && declining) {
      throw new IllegalStateException("card declined");
    }
    if (room.city().equals("Hold")) {
      holding.countDown();
      release.await();
    }
    return new Booking(room, 120);
  }
}
