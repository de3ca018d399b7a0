package dev.firebreak.spring.trip;

import dev.firebreak.runtime.WorkflowResult;
import org.springframework.stereotype.Service;

/** An application bean that injects the workflow by its interface, as a user's would. */
@Service
public class TripDesk {
  private final TripWorkflow trips;

  public TripDesk(TripWorkflow trips) {
    this.trips = trips;
  }

  public WorkflowResult<Booking> book(String tripId, String city) {
    return trips.book(tripId, city);
  }
}
