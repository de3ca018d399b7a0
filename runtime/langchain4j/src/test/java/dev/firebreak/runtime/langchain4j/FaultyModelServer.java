package dev.firebreak.runtime.langchain4j;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
  /**
   * One reply: status, headers, body; or, for a streamed answer, the text's {@code pieces} sent as
   * server-sent events {@code gapMillis} apart, then the usage and {@code [DONE]}.
   */
  record Reply(
      int status, Map<String, String> headers, String body, List<String> pieces, long gapMillis) {
    Reply(int status, Map<String, String> headers, String body) {
      this(status, headers, body, null, 0);
    }

    /** A streamed answer of {@code pieces}, {@code gapMillis} apart, with usage 3 in, 2 out. */
    static Reply stream(long gapMillis, String... pieces) {
      return new Reply(200, Map.of(), "", List.of(pieces), gapMillis);
    }

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
          if (reply.pieces() != null) {
            stream(exchange, reply);
            return;
          }
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(reply.status(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  private static void stream(com.sun.net.httpserver.HttpExchange exchange, Reply reply)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      for (String piece : reply.pieces()) {
        event(
            out,
            "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + piece
                + "\"},\"finish_reason\":null}]}");
        Thread.sleep(reply.gapMillis());
      }
      event(
          out,
          "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
      event(
          out,
          "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
              + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
              + "\"total_tokens\":5}}");
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client hung up: the stream ends here
    }
  }

  private static void event(OutputStream out, String json) throws IOException {
    out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
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
