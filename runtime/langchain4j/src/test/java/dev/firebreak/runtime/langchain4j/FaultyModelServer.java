package dev.firebreak.runtime.langchain4j;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible chat server on 127.0.0.1 that answers from a script: each request takes the
 * next scripted reply, or the standing one once the script is spent. Counts the requests it saw,
 * which is what the tests judge a retry layer by.
 */
final class FaultyModelServer implements AutoCloseable {
  /** One reply: status, headers, body. */
  record Reply(int status, Map<String, String> headers, String body) {
    static Reply answer(String content) {
      return answer(content, 1, 1);
    }

    /**
     * An answer whose {@code usage} counts {@code input} prompt and {@code output} completion
     * tokens.
     */
    static Reply answer(String content, int input, int output) {
      return new Reply(
          200,
          Map.of(),
          "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
              + content
              + "\"},\"finish_reason\":\"stop\"}],"
              + "\"usage\":{\"prompt_tokens\":"
              + input
              + ",\"completion_tokens\":"
              + output
              + ",\"total_tokens\":"
              + (input + output)
              + "}}");
    }

    static Reply refusal(String why) {
      return new Reply(
          200,
          Map.of(),
          "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,"
              + "\"refusal\":\""
              + why
              + "\"},\"finish_reason\":\"stop\"}]}");
    }

    static Reply error(int status, Map<String, String> headers) {
      return new Reply(
          status, headers, "{\"error\":{\"message\":\"status " + status + "\",\"type\":\"x\"}}");
    }
  }

  private final HttpServer server;
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final java.util.List<String> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile Reply standing = Reply.answer("hello");

  FaultyModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          Reply reply = script.poll();
          if (reply == null) {
            reply = standing;
          }
          reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(reply.status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  /** The base URL of its OpenAI-compatible API. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Answers the next requests with {@code replies}, in order. */
  FaultyModelServer then(Reply... replies) {
    script.addAll(java.util.List.of(replies));
    return this;
  }

  /** Answers every request past the script with {@code reply}. */
  FaultyModelServer always(Reply reply) {
    standing = reply;
    return this;
  }

  int requests() {
    return requests.get();
  }

  /** The requests' bodies, in order. */
  java.util.List<String> bodies() {
    return java.util.List.copyOf(bodies);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
