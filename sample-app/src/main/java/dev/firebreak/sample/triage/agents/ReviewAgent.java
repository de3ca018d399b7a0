package dev.firebreak.sample.triage.agents;

import dev.firebreak.annotations.Critical;
import dev.firebreak.annotations.Retry;
import dev.firebreak.annotations.Step;
import dev.firebreak.annotations.Timeout;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.langchain4j.InvalidModelOutputException;
import dev.firebreak.runtime.langchain4j.Reprompt;
import dev.firebreak.runtime.langchain4j.TransientModelException;
import dev.firebreak.sample.triage.Prompts;
import dev.firebreak.sample.triage.TriageModels;
import dev.firebreak.sample.triage.model.Classification;
import dev.firebreak.sample.triage.model.Draft;
import dev.firebreak.sample.triage.model.Entities;
import dev.firebreak.sample.triage.model.Resolution;
import dev.firebreak.sample.triage.model.Review;
import dev.firebreak.sample.triage.model.Ticket;
import java.util.concurrent.TimeoutException;

/**
 * Reviews the draft with the primary model, and resolves the ticket. The review is worth a retry
 * but not a failed ticket: when the reviewer cannot answer, the reply goes out {@link
 * Review#NOT_REVIEWED} and the run ends {@code COMPLETED_DEGRADED}, saying so.
 */
public final class ReviewAgent {
  private final TriageModels models;
  private final Reprompt reprompt = new Reprompt();

  public ReviewAgent(TriageModels models) {
    this.models = models;
  }

  @Step
  @Critical(value = false, fallback = "notReviewed")
  @Retry(
      maxAttempts = 3,
      delay = "200ms",
      multiplier = 2.0,
      maxDelay = "1s",
      jitter = 0.2,
      retryOn = {
        TransientModelException.class,
        InvalidModelOutputException.class,
        TimeoutException.class
      })
  @Timeout("1s")
  public Review review(Draft draft, StepContext ctx) {
    return models.ask(
        ctx,
        reprompt,
        models.primary(ctx),
        Prompts.review(draft.ticketId(), draft.reply()),
        Prompts::readReview);
  }

  public Review notReviewed() {
    return Review.NOT_REVIEWED;
  }

  @Step
  @Timeout("100ms")
  public Resolution resolve(
      Ticket ticket, Classification classification, Entities entities, Draft draft, Review review) {
    return new Resolution(ticket.id(), classification, entities, draft, review);
  }
}
