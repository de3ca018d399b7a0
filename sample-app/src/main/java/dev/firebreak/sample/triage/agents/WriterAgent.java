package dev.firebreak.sample.triage.agents;

import dev.firebreak.annotations.Checkpointed;
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
import dev.firebreak.sample.triage.model.Policy;
import dev.firebreak.sample.triage.model.Ticket;
import java.util.concurrent.TimeoutException;

/**
 * Drafts the reply with the primary model, failing over to the backup model when the primary fails
 * or its breaker is open: a reply from the backup makes the run {@code COMPLETED_DEGRADED}, naming
 * the backup. The draft is checkpointed: a run resumed after a crash does not pay for it twice.
 */
public final class WriterAgent {
  private final TriageModels models;
  private final Reprompt reprompt = new Reprompt();

  public WriterAgent(TriageModels models) {
    this.models = models;
  }

  @Step
  @Critical
  @Retry(
      maxAttempts = 4,
      delay = "200ms",
      multiplier = 2.0,
      maxDelay = "2s",
      jitter = 0.2,
      retryOn = {
        TransientModelException.class,
        InvalidModelOutputException.class,
        TimeoutException.class
      })
  @Timeout("2s")
  @Checkpointed
  public Draft draft(
      Ticket ticket,
      Classification classification,
      Entities entities,
      Policy policy,
      StepContext ctx) {
    String reply =
        models.ask(
            ctx,
            reprompt,
            models.writer(ctx),
            Prompts.draft(ticket, classification, entities, policy),
            Prompts::readReply);
    return new Draft(ticket.id(), reply, reply.contains("backup model") ? "backup" : "primary");
  }
}
