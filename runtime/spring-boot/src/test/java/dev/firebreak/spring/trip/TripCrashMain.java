package dev.firebreak.spring.trip;

import java.util.concurrent.CountDownLatch;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A process to kill: starts the trip application on the SQLite file {@code args[0]}, starts trip
 * {@code args[1]} and holds it in its charge step, says {@code HOLDING}, and waits to be killed.
 */
public final class TripCrashMain {
  private TripCrashMain() {}

  public static void main(String[] args) throws Exception {
    PaymentAgent.release = new CountDownLatch(1);
    var context =
        new SpringApplicationBuilder(TripApplication.class)
            .properties("firebreak.sqlite-path=" + args[0], "spring.main.banner-mode=off")
            .run();
    context.getBean(TripWorkflow.class).bookAsync(args[1], "Hold");
    PaymentAgent.holding.await();
    System.out.println("HOLDING");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
