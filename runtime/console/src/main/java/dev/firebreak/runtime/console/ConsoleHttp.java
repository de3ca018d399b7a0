package dev.firebreak.runtime.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's HTTP side: routes a request to the page's files or to {@link ConsoleApi}, and
 * guards it. Every request must name this console in its {@code Host} header (a page on another
 * site that rebinds its name to 127.0.0.1 is refused); an action must be a JSON POST with the token
 * in {@code X-Firebreak-Token} and, if the browser says where it comes from, from this origin. A
 * bad request gets a 4xx with a message, a failure a 500 without a stack trace.
 */
final class ConsoleHttp implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ConsoleHttp.class);
  static final String TOKEN_HEADER = "X-Firebreak-Token";
  private static final int MAX_BODY = 64 * 1024;
  private static final Map<String, String> FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/console.js", "console.js",
          "/console.css", "console.css");

  private final ConsoleApi api;
  private final byte[] token;
  private final HttpServer server;
  private final Set<String> allowedHosts;

  ConsoleHttp(ConsoleApi api, String token, HttpServer server, Set<String> allowedHosts) {
    this.api = api;
    this.token = token.getBytes(StandardCharsets.US_ASCII);
    this.server = server;
    this.allowedHosts = allowedHosts;
  }

  static Thread thread(Runnable r) {
    Thread t = new Thread(r, "firebreak-console");
    t.setDaemon(true);
    return t;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply;
      try {
        reply = route(exchange);
      } catch (ConsoleApi.Refused e) {
        reply = Reply.error(e.status(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("console request {} failed", exchange.getRequestURI().getRawPath(), e);
        reply = Reply.error(500, "the request failed; the server's log says why");
      }
      send(exchange, reply);
    }
  }

  private Reply route(HttpExchange exchange) throws IOException {
    checkHost(exchange);
    URI uri = exchange.getRequestURI();
    String path = uri.getRawPath();
    String method = exchange.getRequestMethod();
    if (!path.startsWith("/api/")) {
      String file = FILES.get(path);
      if (file == null) {
        throw new ConsoleApi.Refused(404, "no such page: " + path);
      }
      onlyMethod(method, "GET");
      return Reply.file(file);
    }
    Query query = Query.parse(uri.getRawQuery());
    switch (path) {
      case "/api/overview":
        onlyMethod(method, "GET");
        query.only();
        return Reply.json(api.overview());
      case "/api/runs":
        onlyMethod(method, "GET");
        return Reply.json(api.runs(query));
      case "/api/dead-letters":
        onlyMethod(method, "GET");
        return Reply.json(api.deadLetters(query));
      case "/api/breakers":
        onlyMethod(method, "GET");
        query.only();
        return Reply.json(api.breakers());
      case "/api/dead-letters/replay":
        onlyMethod(method, "POST");
        query.only();
        return Reply.json(api.replay(action(exchange)));
      case "/api/dead-letters/discard":
        onlyMethod(method, "POST");
        query.only();
        return Reply.json(api.discard(action(exchange)));
      default:
        if (path.startsWith("/api/runs/")) {
          onlyMethod(method, "GET");
          query.only();
          // The decoded path: %XX escapes only (a '+' is a '+'), checked by the run-id rules.
          return Reply.json(api.run(uri.getPath().substring("/api/runs/".length())));
        }
        throw new ConsoleApi.Refused(404, "no such endpoint: " + path);
    }
  }

  /** The run ids an action names, after its guards: token, origin, JSON body. */
  private Set<String> action(HttpExchange exchange) throws IOException {
    String given = exchange.getRequestHeaders().getFirst(TOKEN_HEADER);
    if (given == null || !MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII))) {
      throw new ConsoleApi.Refused(
          401, "this action needs the console's token in the " + TOKEN_HEADER + " header");
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (origin != null && !sameAuthority(origin, exchange.getRequestHeaders().getFirst("Host"))) {
      throw new ConsoleApi.Refused(403, "an action must come from the console's own page");
    }
    if ("cross-site".equals(exchange.getRequestHeaders().getFirst("Sec-Fetch-Site"))) {
      throw new ConsoleApi.Refused(403, "an action must come from the console's own page");
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ConsoleApi.Refused(
          415, "an action's body is JSON (Content-Type: application/json)");
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new ConsoleApi.Refused(413, "an action's body is at most " + MAX_BODY + " bytes");
      }
      return ActionBody.runIds(body);
    }
  }

  /**
   * Whether the page at {@code origin} is this console's as the browser reached it: the origin's
   * host and port as written equal the {@code Host} header, whatever the scheme (a proxy in front
   * may terminate TLS; a browser leaves a default port out of both).
   */
  static boolean sameAuthority(String origin, String host) {
    int scheme = origin.indexOf("://");
    return host != null
        && scheme > 0
        && origin
            .substring(scheme + 3)
            .toLowerCase(java.util.Locale.ROOT)
            .equals(host.toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * Refuses a request whose Host header names another server: the console answers only to the
   * address it listens on, to {@code localhost} when that is loopback, and to the allowed hosts.
   */
  private void checkHost(HttpExchange exchange) {
    String host = exchange.getRequestHeaders().getFirst("Host");
    int port = server.getAddress().getPort();
    java.net.InetAddress address = server.getAddress().getAddress();
    String bound = address.getHostAddress();
    String given = host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
    boolean ok =
        given.equals(bound + ":" + port)
            || given.equals("[" + bound + "]:" + port)
            || allowedHosts.contains(given)
            || (address.isLoopbackAddress()
                && (given.equals("localhost:" + port)
                    || given.equals("127.0.0.1:" + port)
                    || given.equals("[::1]:" + port)));
    if (!ok) {
      throw new ConsoleApi.Refused(403, "this console does not answer for host " + host);
    }
  }

  private static void onlyMethod(String method, String allowed) {
    if (!allowed.equals(method)) {
      throw new ConsoleApi.Refused(405, "use " + allowed + " here, not " + method);
    }
  }

  private static void send(HttpExchange exchange, Reply reply) throws IOException {
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    var headers = exchange.getResponseHeaders();
    headers.set("Content-Type", reply.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'");
    if (reply.status() == 405) {
      headers.set("Allow", "GET, POST");
    }
    if (head) {
      exchange.sendResponseHeaders(reply.status(), -1); // a HEAD answer has no body
      return;
    }
    exchange.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  /** A response: status, content type and body. */
  record Reply(int status, String contentType, byte[] body) {
    static Reply json(byte[] body) {
      return new Reply(200, "application/json; charset=utf-8", body);
    }

    static Reply error(int status, String message) {
      return new Reply(status, "application/json; charset=utf-8", Json.error(message));
    }

    static Reply file(String name) {
      try (InputStream in = ConsoleHttp.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("the console's " + name + " is missing from its jar");
        }
        String type =
            name.endsWith(".html")
                ? "text/html; charset=utf-8"
                : name.endsWith(".js")
                    ? "text/javascript; charset=utf-8"
                    : "text/css; charset=utf-8";
        return new Reply(200, type, in.readAllBytes());
      } catch (IOException e) {
        throw new IllegalStateException("the console's " + name + " cannot be read", e);
      }
    }
  }
}
