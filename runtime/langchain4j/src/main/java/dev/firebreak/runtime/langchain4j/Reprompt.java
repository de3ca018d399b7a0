package dev.firebreak.runtime.langchain4j;

import dev.firebreak.runtime.StepContext;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a model's answer in a step and, when it is invalid, tells the model why in the step's
 * next attempt (reprompt): the attempt fails with {@link InvalidModelOutputException}, which the
 * step's {@code @Retry(retryOn = InvalidModelOutputException.class)} retries, and that attempt's
 * messages end with the invalid answer and what was wrong with it. After the last attempt the step
 * falls back ({@code @Critical(fallback)}) as for any failure.
 *
 * <pre>{@code
 * List<ChatMessage> messages = reprompt.messages(ctx, List.of(UserMessage.from(prompt)));
 * return reprompt.read(ctx, model.chat(messages), Triage::parse);
 * }</pre>
 *
 * <p>What an attempt was told is kept in this process's memory, by the step's idempotency key: an
 * attempt taken over by another node starts without it.
 */
public final class Reprompt {
  /** Past this many remembered faults (steps that failed for good), the memory starts afresh. */
  private static final int MAX_REMEMBERED = 10_000;

  private final ConcurrentHashMap<String, Fault> faults = new ConcurrentHashMap<>();

  /** Reads a model's answer as the step's output; throws if the answer is not valid. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(String answer) throws Exception;
  }

  private record Fault(String answer, String why) {}

  /**
   * The messages of this attempt: {@code messages}, and after an attempt whose answer was invalid,
   * that answer and why it was refused.
   */
  public List<ChatMessage> messages(StepContext context, List<ChatMessage> messages) {
    Fault fault = context.attempt() > 1 ? faults.get(context.idempotencyKey()) : null;
    if (fault == null) {
      return messages;
    }
    List<ChatMessage> all = new ArrayList<>(messages);
    all.add(AiMessage.from(fault.answer()));
    all.add(
        UserMessage.from(
            "That answer is invalid: "
                + fault.why()
                + ". Answer again, in the form asked for, and nothing else."));
    return all;
  }

  /**
   * The answer read by {@code reader}; if it cannot be, the attempt fails with {@link
   * InvalidModelOutputException} carrying why, which the next attempt's {@link #messages} tells the
   * model.
   */
  public <T> T read(StepContext context, ChatResponse response, Reader<T> reader) {
    String answer = response.aiMessage() == null ? null : response.aiMessage().text();
    String key = context.idempotencyKey();
    if (answer == null || answer.isBlank()) {
      throw remember(key, "", "the answer is empty", null);
    }
    T value;
    try {
      value = reader.read(answer);
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw remember(key, answer, why, e);
    }
    faults.remove(key);
    return value;
  }

  private InvalidModelOutputException remember(
      String key, String answer, String why, Throwable cause) {
    if (faults.size() >= MAX_REMEMBERED) {
      faults.clear();
    }
    faults.put(key, new Fault(answer, why));
    return new InvalidModelOutputException("the model's answer is invalid: " + why, cause);
  }
}
