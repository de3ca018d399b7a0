package dev.firebreak.sample.triage;

import dev.firebreak.annotations.RunId;
import dev.firebreak.annotations.Workflow;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.sample.triage.agents.PolicyAgent;
import dev.firebreak.sample.triage.agents.ReaderAgent;
import dev.firebreak.sample.triage.agents.ReviewAgent;
import dev.firebreak.sample.triage.agents.WriterAgent;
import dev.firebreak.sample.triage.model.Resolution;
import dev.firebreak.sample.triage.model.Ticket;

/**
 * The second case study: support-ticket triage by LLM agents. classify ∥ extract → look up policy →
 * draft reply (backup model) → review (non-critical) → resolve. Firebreak generates {@code
 * FirebreakTriageWorkflow} from this interface.
 */
@Workflow(
    agents = {ReaderAgent.class, PolicyAgent.class, WriterAgent.class, ReviewAgent.class},
    deadline = "30s")
public interface TriageWorkflow {

  /** Triages one ticket; the ticket id names the run, so a ticket is triaged once. */
  WorkflowResult<Resolution> triage(@RunId String ticketId, Ticket ticket);
}
