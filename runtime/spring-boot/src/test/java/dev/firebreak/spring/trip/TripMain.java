package dev.firebreak.spring.trip;

import org.springframework.boot.builder.SpringApplicationBuilder;

/** Starts the trip application on the SQLite file {@code args[0]}, books one trip, and stops. */
public final class TripMain {
  private TripMain() {}

  public static void main(String[] args) {
    try (var context =
        new SpringApplicationBuilder(TripApplication.class)
            .properties("firebreak.sqlite-path=" + args[0], "spring.main.banner-mode=off")
            .run()) {
      System.out.println("BOOKED " + context.getBean(TripDesk.class).book("trip", "Rome").status());
    }
  }
}
