package dev.firebreak.sample.triage.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answers of a model that does the triage case study's tasks well, derived from the prompt
 * alone: the same prompt always gets the same answer. The task is the prompt's first line ({@code
 * TASK classify}); a backup model's reply says it is the backup's.
 */
public final class TriageAnswers implements ModelServer.Answers {
  private static final Pattern ORDER = Pattern.compile("A-\\d{5}");
  private static final Pattern CUSTOMER =
      Pattern.compile("^Ticket \\S+ from ([^:\\n]+):", Pattern.MULTILINE);
  private static final Pattern POLICY = Pattern.compile("^Policy [^:]+: (.*)$", Pattern.MULTILINE);
  private static final List<String> PRODUCTS =
      List.of("router", "smart plug", "thermostat", "camera", "doorbell", "subscription");

  @Override
  public String answer(String model, List<Map.Entry<String, String>> messages) {
    String prompt = firstUser(messages);
    String text = prompt.toLowerCase(Locale.ROOT);
    switch (task(prompt)) {
      case "classify":
        return "{\"category\":\"" + category(text) + "\",\"priority\":\"" + priority(text) + "\"}";
      case "extract":
        Matcher order = ORDER.matcher(prompt);
        return "{\"orderId\":"
            + (order.find() ? "\"" + order.group() + "\"" : "null")
            + ",\"product\":\""
            + product(text)
            + "\"}";
      case "draft":
        Matcher customer = CUSTOMER.matcher(prompt);
        Matcher policy = POLICY.matcher(prompt);
        return "{\"reply\":\"Hello "
            + (customer.find() ? customer.group(1) : "there")
            + ", thank you for writing about your "
            + product(text)
            + ". "
            + (policy.find() ? policy.group(1).replace("\"", "'") : "We are on it.")
            + (model.contains("backup") ? " (drafted by the backup model)" : "")
            + "\"}";
      case "review":
        return "{\"approved\":true,\"comment\":\"clear, polite and within the policy\"}";
      default:
        return "{\"answer\":\"I do not know this task\"}";
    }
  }

  @Override
  public String brokenAnswer(String model, List<Map.Entry<String, String>> messages) {
    switch (task(firstUser(messages))) {
      case "classify":
        return "{\"category\":\"Billing / urgent\",\"priority\":1}";
      case "extract":
        return "{\"order\":\"see the ticket\"}";
      case "draft":
        return "{\"text\":\"Dear customer\"}";
      default:
        return "{\"approved\":\"probably\"}";
    }
  }

  private static String firstUser(List<Map.Entry<String, String>> messages) {
    for (Map.Entry<String, String> m : messages) {
      if ("user".equals(m.getKey())) {
        return m.getValue();
      }
    }
    return "";
  }

  private static String task(String prompt) {
    return prompt.startsWith("TASK ")
        ? prompt
            .substring(5, prompt.indexOf('\n') < 0 ? prompt.length() : prompt.indexOf('\n'))
            .trim()
        : "";
  }

  private static String category(String text) {
    if (text.contains("charged") || text.contains("refund") || text.contains("invoice")) {
      return "BILLING";
    }
    if (text.contains("deliver") || text.contains("parcel") || text.contains("arrived")) {
      return "DELIVERY";
    }
    if (text.contains("password") || text.contains("log in") || text.contains("account")) {
      return "ACCOUNT";
    }
    return "TECHNICAL";
  }

  private static String priority(String text) {
    if (text.contains("urgent") || text.contains("today")) {
      return "HIGH";
    }
    if (text.contains("no rush")) {
      return "LOW";
    }
    return "NORMAL";
  }

  private static String product(String text) {
    for (String p : PRODUCTS) {
      if (text.contains(p)) {
        return p;
      }
    }
    return "order";
  }
}
