package com.example.trip;

import dev.firebreak.annotations.RunId;
import dev.firebreak.annotations.Workflow;
import dev.firebreak.runtime.WorkflowResult;

/** Reserve a room, then charge for it. Firebreak generates {@code FirebreakTripWorkflow}. */
@Workflow(agents = {HotelAgent.class, PaymentAgent.class}, defaultTimeout = "5s")
public interface TripWorkflow {
  WorkflowResult<Booking> book(@RunId String tripId, String city);
}
