package dev.firebreak.runtime.console;

import com.sun.net.httpserver.HttpServer;
import dev.firebreak.runtime.FirebreakRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An operator console for a runtime's store: the runs by status, workflow and time, a run's
 * timeline, the dead letters with replay and discard, the breakers and the runs parked on them. It
 * serves a JSON API under {@code /api/} and one page at {@code /}, on the JDK's HTTP server. It
 * reads the store, so one console shows every node of a shared store.
 *
 * <pre>{@code
 * FirebreakConsole console = FirebreakConsole.start(runtime);   // http://127.0.0.1:9471/
 * }</pre>
 *
 * <p>Safe by default: it binds 127.0.0.1; an action that changes something (replay, discard) needs
 * the console's token in the {@code X-Firebreak-Token} header (a cross-site page cannot send one)
 * and is refused from another origin; a run's inputs and outputs are left out unless {@link
 * Builder#showData} enables them; {@link Builder#workflow} limits what it shows to one workflow.
 */
public final class FirebreakConsole implements AutoCloseable {
  /** The port a console listens on when none is given. */
  public static final int DEFAULT_PORT = 9471;

  private final HttpServer server;
  private final ExecutorService executor;
  private final String token;

  private FirebreakConsole(HttpServer server, ExecutorService executor, String token) {
    this.server = server;
    this.executor = executor;
    this.token = token;
  }

  /**
   * A console for {@code runtime} on 127.0.0.1:{@value #DEFAULT_PORT} with a token generated now,
   * which it prints once to standard error.
   */
  public static FirebreakConsole start(FirebreakRuntime runtime) {
    return builder(runtime).start();
  }

  public static Builder builder(FirebreakRuntime runtime) {
    return new Builder(runtime);
  }

  /** Where the page is: {@code http://host:port/}. */
  public String url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    return "http://"
        + (host.contains(":") ? "[" + host + "]" : host)
        + ":"
        + address.getPort()
        + "/";
  }

  /** The port it listens on (the one chosen when it was asked for port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The token actions need. */
  public String token() {
    return token;
  }

  /** Stops serving; an action in progress gets up to 5 s to end. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdown();
    try {
      executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static final class Builder {
    private final FirebreakRuntime runtime;
    private InetAddress host = InetAddress.getLoopbackAddress();
    private int port = DEFAULT_PORT;
    private String token;
    private boolean showData;
    private boolean showErrorMessages = true;
    private String workflow;
    private final Set<String> allowedHosts = new LinkedHashSet<>();
    private PrintStream announce = System.err;
    private java.time.Duration countsFor = java.time.Duration.ofSeconds(2);

    private Builder(FirebreakRuntime runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /**
     * The address to bind; 127.0.0.1 by default. Another address exposes the console to the
     * network: put it behind a proxy that authenticates and terminates TLS.
     */
    public Builder host(InetAddress host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port; {@value #DEFAULT_PORT} by default, 0 for any free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be within 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The token actions need, at least 16 characters; by default one is generated at start and
     * printed once.
     */
    public Builder token(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < 16 || !token.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException(
            "a console token has at least 16 printable ASCII characters, no spaces");
      }
      this.token = token;
      return this;
    }

    /**
     * Whether runs' inputs, outputs and checkpoint outputs are shown; off by default, since they
     * may hold personal data.
     */
    public Builder showData(boolean showData) {
      this.showData = showData;
      return this;
    }

    /**
     * Whether error chains keep their messages (on by default); off, each failure shows its type
     * alone, for services whose messages repeat personal data from the inputs.
     */
    public Builder showErrorMessages(boolean showErrorMessages) {
      this.showErrorMessages = showErrorMessages;
      return this;
    }

    /**
     * Shows only the runs of {@code workflow} (its interface's qualified name): every list is read
     * through the index by workflow, a run or letter of another is answered as if it did not exist,
     * and counts over every workflow are left out. All workflows by default.
     */
    public Builder workflow(String workflow) {
      this.workflow = Objects.requireNonNull(workflow, "workflow");
      return this;
    }

    /**
     * {@code Host} headers to answer besides the bound address (and, on loopback, {@code
     * localhost}), each {@code name} or {@code name:port} as browsers send it (a default port left
     * out): the names a proxy in front of the console forwards. A request naming another host is
     * refused, so that a page elsewhere cannot reach the console by rebinding its own name to the
     * console's address.
     */
    public Builder allowedHosts(String... hosts) {
      for (String h : hosts) {
        if (!h.matches("[A-Za-z0-9.\\-\\[\\]:]+(:[0-9]{1,5})?")) {
          throw new IllegalArgumentException("an allowed host is name or name:port, not " + h);
        }
        allowedHosts.add(h.toLowerCase(java.util.Locale.ROOT));
      }
      return this;
    }

    /**
     * How long the counts by status and by reason are shown before they are read again; 2 s by
     * default. A store counts through an index of every run, so page loads share one count.
     */
    public Builder countsFor(java.time.Duration countsFor) {
      if (countsFor.isNegative()) {
        throw new IllegalArgumentException("countsFor must not be negative: " + countsFor);
      }
      this.countsFor = countsFor;
      return this;
    }

    /** Where a generated token is printed, once; standard error by default. */
    public Builder announceTo(PrintStream announce) {
      this.announce = Objects.requireNonNull(announce, "announce");
      return this;
    }

    /**
     * Starts serving.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public FirebreakConsole start() {
      boolean generated = token == null;
      String key = generated ? generateToken() : token;
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(host, port), 64);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "the console cannot listen on " + host.getHostAddress() + ":" + port, e);
      }
      ExecutorService executor = Executors.newFixedThreadPool(4, ConsoleHttp::thread);
      server.setExecutor(executor);
      ConsoleOptions options =
          new ConsoleOptions(
              showData, showErrorMessages, workflow, countsFor, Set.copyOf(allowedHosts));
      ConsoleApi api = new ConsoleApi(runtime, options);
      server.createContext("/", new ConsoleHttp(api, key, server, options.allowedHosts()));
      server.start();
      FirebreakConsole console = new FirebreakConsole(server, executor, key);
      if (generated) {
        announce.println(
            "Firebreak console on " + console.url() + " ; token for actions (shown once): " + key);
      }
      return console;
    }

    private static String generateToken() {
      byte[] bytes = new byte[24];
      new SecureRandom().nextBytes(bytes);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
  }
}
