package dev.firebreak.sample.triage.agents;

import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.sample.triage.model.Classification;
import dev.firebreak.sample.triage.model.Classification.Category;
import dev.firebreak.sample.triage.model.Classification.Priority;
import dev.firebreak.sample.triage.model.Policy;

/** Looks up the support policy for a ticket's category and priority: a table, no model. */
public final class PolicyAgent {

  @Step
  @Timeout("100ms")
  public Policy lookUp(Classification classification) {
    Category category = classification.category();
    boolean urgent = classification.priority() == Priority.HIGH;
    return switch (category) {
      case BILLING ->
          new Policy(
              "billing-refunds",
              "A double charge is refunded within 3 working days, without asking.");
      case DELIVERY ->
          new Policy(
              urgent ? "delivery-express" : "delivery",
              urgent
                  ? "A lost or damaged parcel is replaced by express delivery today."
                  : "A lost or damaged parcel is replaced or refunded, as the customer prefers.");
      case ACCOUNT ->
          new Policy("account-access", "Send a reset link; never ask for the password.");
      case TECHNICAL ->
          new Policy(
              "technical-first-line",
              "Give the reset steps, then offer a replacement if it persists.");
    };
  }
}
