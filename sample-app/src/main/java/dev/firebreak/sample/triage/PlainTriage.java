package dev.firebreak.sample.triage;

import dev.firebreak.sample.triage.agents.PolicyAgent;
import dev.firebreak.sample.triage.model.Classification;
import dev.firebreak.sample.triage.model.Entities;
import dev.firebreak.sample.triage.model.Policy;
import dev.firebreak.sample.triage.model.Ticket;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The triage pipeline as plain LangChain4j code writes it: one OpenAI client with LangChain4j's
 * defaults (its own retries, {@code maxRetries = 2}), the steps called in turn, a ticket lost when
 * a step throws. No backup model (LangChain4j has no failover pool), and the review is caught and
 * skipped, as such code does to keep a ticket from failing over an optional step: the reply goes
 * out unreviewed and nothing records it.
 */
final class PlainTriage {
  /** What the plain pipeline did with a batch; counted from its own outcomes. */
  record Outcome(int completed, int unreviewed, int failed, Map<String, Integer> failedAt) {}

  private final ChatModel model;
  private final PolicyAgent policies = new PolicyAgent();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicInteger unreviewed = new AtomicInteger();
  private final Map<String, Integer> failedAt = new ConcurrentHashMap<>();

  PlainTriage(TriageModels.Endpoint server, String modelName) {
    this.model =
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl())
            .apiKey(server.apiKey())
            .modelName(modelName)
            .responseFormat("json_object")
            .build();
  }

  /** Triages one ticket; never throws. */
  void triage(Ticket ticket) {
    String step = "classify";
    try {
      Classification c = Prompts.readClassification(ask(Prompts.classify(ticket)));
      step = "extract";
      Entities e = Prompts.readEntities(ask(Prompts.extract(ticket)));
      step = "lookUp";
      Policy p = policies.lookUp(c);
      step = "draft";
      String reply = Prompts.readReply(ask(Prompts.draft(ticket, c, e, p)));
      try {
        Prompts.readReview(ask(Prompts.review(ticket.id(), reply)));
      } catch (Exception reviewFailed) {
        unreviewed.incrementAndGet();
      }
      completed.incrementAndGet();
    } catch (Exception failed) {
      failedAt.merge(step, 1, Integer::sum);
    }
  }

  private String ask(String prompt) {
    return model
        .chat(ChatRequest.builder().messages(UserMessage.from(prompt)).build())
        .aiMessage()
        .text();
  }

  Outcome outcome() {
    int failed = failedAt.values().stream().mapToInt(Integer::intValue).sum();
    return new Outcome(completed.get(), unreviewed.get(), failed, Map.copyOf(failedAt));
  }
}
