package dev.firebreak.spring.trip;

import dev.firebreak.annotations.RunId;
import dev.firebreak.annotations.Workflow;
import dev.firebreak.runtime.WorkflowResult;
import java.util.concurrent.CompletionStage;

@Workflow(
    agents = {HotelAgent.class, PaymentAgent.class},
    defaultTimeout = "5s")
public interface TripWorkflow {
  WorkflowResult<Booking> book(@RunId String tripId, String city);

  CompletionStage<WorkflowResult<Booking>> bookAsync(@RunId String tripId, String city);
}
