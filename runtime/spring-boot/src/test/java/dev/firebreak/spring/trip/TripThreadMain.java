package dev.firebreak.spring.trip;

import java.util.concurrent.TimeUnit;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * Starts the trip application on the SQLite file {@code args[0]} with the properties {@code
 * args[1..]}, books a trip asynchronously, and says {@code THREAD <thread>}: the thread its first
 * step ran on.
 */
public final class TripThreadMain {
  private TripThreadMain() {}

  public static void main(String[] args) throws Exception {
    String[] properties = java.util.Arrays.copyOfRange(args, 1, args.length);
    try (var context =
        new SpringApplicationBuilder(TripApplication.class)
            .properties("firebreak.sqlite-path=" + args[0])
            .run(properties)) {
      context
          .getBean(TripWorkflow.class)
          .bookAsync("thread-trip", "Rome")
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      System.out.println("THREAD " + HotelAgent.lastThread);
    }
  }
}
