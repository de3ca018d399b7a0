package dev.firebreak.sample.triage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.firebreak.sample.triage.model.Classification;
import dev.firebreak.sample.triage.model.Entities;
import dev.firebreak.sample.triage.model.Policy;
import dev.firebreak.sample.triage.model.Review;
import dev.firebreak.sample.triage.model.Ticket;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The prompts of the triage pipeline and the readers of their answers, shared by the plain
 * LangChain4j pipeline and the Firebreak one so that both ask the same and accept the same. A
 * reader throws {@link InvalidAnswerException} on an answer not in the form asked for.
 */
public final class Prompts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ORDER_ID = Pattern.compile("A-\\d{5}");

  private Prompts() {}

  /** An answer that is not in the form the prompt asked for. */
  public static final class InvalidAnswerException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidAnswerException(String message) {
      super(message);
    }
  }

  public static String classify(Ticket t) {
    return "TASK classify\n"
        + about(t)
        + "Answer with JSON only: {\"category\": one of "
        + Arrays.toString(Classification.Category.values())
        + ", \"priority\": one of "
        + Arrays.toString(Classification.Priority.values())
        + "}";
  }

  public static String extract(Ticket t) {
    return "TASK extract\n"
        + about(t)
        + "Answer with JSON only: {\"orderId\": the order number (like A-12345) or null,"
        + " \"product\": the product the customer writes about}";
  }

  public static String draft(Ticket t, Classification c, Entities e, Policy p) {
    return "TASK draft\n"
        + about(t)
        + "Category "
        + c.category()
        + ", priority "
        + c.priority()
        + "; order "
        + e.orderId()
        + ", product "
        + e.product()
        + ".\nPolicy "
        + p.name()
        + ": "
        + p.rule()
        + "\nAnswer with JSON only: {\"reply\": the reply to the customer}";
  }

  public static String review(String ticketId, String reply) {
    return "TASK review\nDraft reply to ticket "
        + ticketId
        + ":\n"
        + reply
        + "\nAnswer with JSON only: {\"approved\": true or false, \"comment\": why}";
  }

  private static String about(Ticket t) {
    return "Ticket " + t.id() + " from " + t.customer() + ":\n" + t.text() + "\n";
  }

  public static Classification readClassification(String answer) throws InvalidAnswerException {
    JsonNode json = object(answer);
    return new Classification(
        constant(Classification.Category.class, json, "category"),
        constant(Classification.Priority.class, json, "priority"));
  }

  public static Entities readEntities(String answer) throws InvalidAnswerException {
    JsonNode json = object(answer);
    JsonNode order = json.get("orderId");
    String orderId = order == null || order.isNull() ? null : order.asText();
    if (orderId != null && !ORDER_ID.matcher(orderId).matches()) {
      throw new InvalidAnswerException("orderId " + orderId + " is not like A-12345");
    }
    return new Entities(orderId, text(json, "product"));
  }

  public static String readReply(String answer) throws InvalidAnswerException {
    String reply = text(object(answer), "reply");
    if (reply.length() > 2000) {
      throw new InvalidAnswerException("the reply is longer than 2000 characters");
    }
    return reply;
  }

  public static Review readReview(String answer) throws InvalidAnswerException {
    JsonNode json = object(answer);
    JsonNode approved = json.get("approved");
    if (approved == null || !approved.isBoolean()) {
      throw new InvalidAnswerException("approved must be true or false");
    }
    return new Review(approved.booleanValue(), text(json, "comment"));
  }

  private static JsonNode object(String answer) throws InvalidAnswerException {
    if (answer == null || answer.isBlank()) {
      throw new InvalidAnswerException("the answer is empty");
    }
    try {
      JsonNode json = JSON.readTree(answer);
      if (!json.isObject()) {
        throw new InvalidAnswerException("the answer is not a JSON object");
      }
      return json;
    } catch (IOException e) {
      throw new InvalidAnswerException("the answer is not JSON");
    }
  }

  private static String text(JsonNode json, String field) throws InvalidAnswerException {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new InvalidAnswerException(field + " must be a non-empty string");
    }
    return value.asText();
  }

  private static <E extends Enum<E>> E constant(Class<E> type, JsonNode json, String field)
      throws InvalidAnswerException {
    String value = text(json, field);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(value)) {
        return e;
      }
    }
    throw new InvalidAnswerException(
        field + " " + value + " is not one of " + Arrays.toString(type.getEnumConstants()));
  }
}
