package com.example.trip;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowResult;
import java.nio.file.Path;

public final class Main {
  public static void main(String[] args) {
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().sqlite(Path.of(args.length > 0 ? args[0] : "trips.db")).build()) {
      TripWorkflow trips =
          FirebreakTripWorkflow.builder()
              .hotelAgent(new HotelAgent())
              .paymentAgent(new PaymentAgent())
              .runtime(runtime)
              .build();
      WorkflowResult<Booking> result = trips.book("trip-1", "Lisbon");
      System.out.println(result.status() + " " + result.output() + " " + result.attempts());
      System.out.println(runtime.runs().find("trip-1").orElseThrow());
      if (!result.isSuccess()) {
        System.exit(1);
      }
    }
  }
}
