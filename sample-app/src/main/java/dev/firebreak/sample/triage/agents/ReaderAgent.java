package dev.firebreak.sample.triage.agents;

import dev.firebreak.annotations.CircuitBreaker;
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
import dev.firebreak.sample.triage.model.Entities;
import dev.firebreak.sample.triage.model.Ticket;
import java.util.concurrent.TimeoutException;

/**
 * Reads a ticket with the primary model: what it is about, and the order and product it names. Both
 * steps run in parallel (neither needs the other). A rate limit, a 5xx, a timeout or a dropped
 * connection is retried with backoff, at the least after the server's {@code Retry-After}; an
 * answer not in the form asked for is retried too, telling the model what was wrong (reprompt). A
 * refusal or a rejected key is not retried: the run fails, dead-lettered as {@code STEP_FAILED}.
 * Both steps share the {@code primary-reads} breaker: in an outage of the primary model it opens,
 * and the runs park until it half-opens (the workflow checkpoints, so a parked run waits without a
 * thread) instead of spending their retries against a model that is down.
 */
public final class ReaderAgent {
  private final TriageModels models;
  private final Reprompt reprompt = new Reprompt();

  public ReaderAgent(TriageModels models) {
    this.models = models;
  }

  @Step
  @Critical
  @Retry(
      maxAttempts = 5,
      delay = "200ms",
      multiplier = 2.0,
      maxDelay = "2s",
      jitter = 0.2,
      retryOn = {
        TransientModelException.class,
        InvalidModelOutputException.class,
        TimeoutException.class
      })
  @Timeout("1s")
  @CircuitBreaker(
      name = "primary-reads",
      failureThreshold = 6,
      openFor = "1s",
      halfOpenTrials = 2,
      failOn = {TransientModelException.class, TimeoutException.class})
  public Classification classify(Ticket ticket, StepContext ctx) {
    return models.ask(
        ctx, reprompt, models.primary(ctx), Prompts.classify(ticket), Prompts::readClassification);
  }

  @Step
  @Critical
  @Retry(
      maxAttempts = 5,
      delay = "200ms",
      multiplier = 2.0,
      maxDelay = "2s",
      jitter = 0.2,
      retryOn = {
        TransientModelException.class,
        InvalidModelOutputException.class,
        TimeoutException.class
      })
  @Timeout("1s")
  @CircuitBreaker(
      name = "primary-reads",
      failureThreshold = 6,
      openFor = "1s",
      halfOpenTrials = 2,
      failOn = {TransientModelException.class, TimeoutException.class})
  public Entities extract(Ticket ticket, StepContext ctx) {
    return models.ask(
        ctx, reprompt, models.primary(ctx), Prompts.extract(ticket), Prompts::readEntities);
  }
}
