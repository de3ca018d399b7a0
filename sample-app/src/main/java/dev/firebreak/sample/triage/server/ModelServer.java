package dev.firebreak.sample.triage.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.firebreak.sample.triage.server.ModelFaults.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible chat server on 127.0.0.1 ({@code POST /v1/chat/completions}) whose answers
 * are derived from the prompt by an {@link Answers}, and whose models misbehave as their {@link
 * ModelFaults} say. It counts, per model, the requests it saw, the faults it injected and the
 * tokens it billed: those of every answer it generated, also one the client hung up on.
 */
public final class ModelServer implements AutoCloseable {
  /** What a model answers: JSON text derived from the request's messages. */
  public interface Answers {
    /** The answer to {@code messages} (role, content), from the model {@code model}. */
    String answer(String model, List<Map.Entry<String, String>> messages);

    /** An answer in JSON, but not in the form the prompt asks for. */
    String brokenAnswer(String model, List<Map.Entry<String, String>> messages);
  }

  /** What the server saw of one model. */
  public record Tally(
      long requests, Map<Fault, Long> faults, long promptTokens, long completionTokens) {
    public long tokens() {
      return promptTokens + completionTokens;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REPROMPT_MARK = "That answer is invalid";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Answers answers;
  private final Map<String, ModelFaults> faults;

  /** When the first request came, in nanoTime; outages are timed from it. */
  private final AtomicLong firstRequestAt = new AtomicLong(Long.MIN_VALUE);

  private final ConcurrentHashMap<String, Counts> counts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicLong> seen = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private static final class Counts {
    final AtomicLong requests = new AtomicLong();
    final ConcurrentHashMap<Fault, AtomicLong> faults = new ConcurrentHashMap<>();
    final AtomicLong promptTokens = new AtomicLong();
    final AtomicLong completionTokens = new AtomicLong();
  }

  /**
   * Starts a server on 127.0.0.1, on {@code port} (0: any free one), answering with {@code answers}
   * and injecting {@code faults} by model name (a model not named there answers well).
   */
  public ModelServer(int port, Answers answers, Map<String, ModelFaults> faults)
      throws IOException {
    this.answers = answers;
    this.faults = Map.copyOf(faults);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The base URL of its OpenAI-compatible API, ending in {@code /v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** What the server saw of {@code model} so far. */
  public Tally tally(String model) {
    Counts c = counts.get(model);
    if (c == null) {
      return new Tally(0, Map.of(), 0, 0);
    }
    Map<Fault, Long> byFault = new java.util.EnumMap<>(Fault.class);
    c.faults.forEach((f, n) -> byFault.put(f, n.get()));
    return new Tally(c.requests.get(), byFault, c.promptTokens.get(), c.completionTokens.get());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/chat/completions")) {
        send(exchange, 404, Map.of(), error("no such endpoint: " + path, "not_found"));
        return;
      }
      JsonNode request;
      try {
        request = JSON.readTree(exchange.getRequestBody());
      } catch (IOException e) {
        send(exchange, 400, Map.of(), error("the body is not JSON", "invalid_request_error"));
        return;
      }
      String model = request.path("model").asText("");
      List<Map.Entry<String, String>> messages = new ArrayList<>();
      for (JsonNode m : request.path("messages")) {
        messages.add(Map.entry(m.path("role").asText(), m.path("content").asText("")));
      }
      if (model.isEmpty() || messages.isEmpty()) {
        send(
            exchange,
            400,
            Map.of(),
            error("model and messages are required", "invalid_request_error"));
        return;
      }
      respond(exchange, model, messages);
    } finally {
      exchange.close();
    }
  }

  private void respond(
      HttpExchange exchange, String model, List<Map.Entry<String, String>> messages)
      throws IOException {
    Counts c = counts.computeIfAbsent(model, m -> new Counts());
    c.requests.incrementAndGet();
    String prompt = firstUserMessage(messages);
    int nth =
        (int) seen.computeIfAbsent(model + "\n" + prompt, k -> new AtomicLong()).getAndIncrement();
    boolean reprompt = messages.get(messages.size() - 1).getValue().startsWith(REPROMPT_MARK);
    long now = System.nanoTime();
    firstRequestAt.compareAndSet(Long.MIN_VALUE, now);
    Duration sinceStart = Duration.ofNanos(now - firstRequestAt.get());
    ModelFaults profile = faults.getOrDefault(model, ModelFaults.none());
    Fault fault = profile.draw(model, prompt, nth, sinceStart, reprompt);
    if (fault != Fault.NONE) {
      c.faults.computeIfAbsent(fault, f -> new AtomicLong()).incrementAndGet();
    }
    switch (fault) {
      case RATE_LIMITED ->
          send(
              exchange,
              429,
              Map.of("Retry-After", "1"),
              error("rate limit reached", "rate_limit_exceeded"));
      case SERVER_ERROR ->
          send(
              exchange,
              nth % 2 == 0 ? 500 : 503,
              Map.of(),
              error("the model failed", "server_error"));
      case OUTAGE -> send(exchange, 503, Map.of(), error("the model is down", "server_error"));
      case REFUSAL -> {
        long promptTokens = bill(c, messages, "I can't help with that.");
        ObjectNode message = JSON.createObjectNode().put("role", "assistant").putNull("content");
        message.put("refusal", "I can't help with that.");
        send(exchange, 200, Map.of(), completion(model, message, promptTokens, 6));
      }
      case MALFORMED -> {
        bill(c, messages, answers.answer(model, messages));
        send(
            exchange,
            200,
            Map.of(),
            "{\"id\":\"chatcmpl-x\",\"object\":\"chat.completion\",\"choices\":[{\"message\":{\"role\":\"assis");
      }
      default -> {
        String content =
            fault == Fault.SCHEMA_BROKEN
                ? answers.brokenAnswer(model, messages)
                : answers.answer(model, messages);
        long promptTokens = bill(c, messages, content);
        if (fault == Fault.SLOW) {
          try {
            Thread.sleep(profile.slowFor().toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        ObjectNode message =
            JSON.createObjectNode().put("role", "assistant").put("content", content);
        send(exchange, 200, Map.of(), completion(model, message, promptTokens, tokens(content)));
      }
    }
  }

  /** Counts the tokens of an answer the model generated; returns the prompt's. */
  private static long bill(Counts c, List<Map.Entry<String, String>> messages, String answer) {
    long promptTokens = 0;
    for (Map.Entry<String, String> m : messages) {
      promptTokens += tokens(m.getValue());
    }
    c.promptTokens.addAndGet(promptTokens);
    c.completionTokens.addAndGet(tokens(answer));
    return promptTokens;
  }

  /** Tokens as the usual rule of thumb counts them: one per four characters. */
  static long tokens(String text) {
    return (text.length() + 3) / 4;
  }

  private static String firstUserMessage(List<Map.Entry<String, String>> messages) {
    for (Map.Entry<String, String> m : messages) {
      if ("user".equals(m.getKey())) {
        return m.getValue();
      }
    }
    return messages.get(0).getValue();
  }

  private String completion(
      String model, ObjectNode message, long promptTokens, long completionTokens)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-" + ids.incrementAndGet());
    body.put("object", "chat.completion");
    body.put("created", System.currentTimeMillis() / 1000);
    body.put("model", model);
    ArrayNode choices = body.putArray("choices");
    choices.addObject().put("index", 0).put("finish_reason", "stop").set("message", message);
    body.putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens)
        .put("total_tokens", promptTokens + completionTokens);
    return JSON.writeValueAsString(body);
  }

  private static String error(String message, String type) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("message", message).put("type", type);
    return JSON.writeValueAsString(body);
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, String> headers, String body) {
    try {
      headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // The client hung up (its timeout): the answer was generated and billed all the same.
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
