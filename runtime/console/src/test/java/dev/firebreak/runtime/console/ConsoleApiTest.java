package dev.firebreak.runtime.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.micrometer.FirebreakMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's JSON API over HTTP: what it shows, what it refuses, and its two actions. */
class ConsoleApiTest {
  private static final String TOKEN = "test-token-0123456789";
  @TempDir Path dir;
  private Fixture fixture;
  private FirebreakConsole console;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    fixture = new Fixture(dir);
    fixture.invoice("INV-1");
    fixture.invoice("INV-2");
    fixture.failingInvoice("INV-3");
    fixture.invoices.runForResult("INV-bad-4", "INV-bad-4");
    fixture.payroll.runForResult("PAY-1", "march");
    console = FirebreakConsole.builder(fixture.runtime).port(0).token(TOKEN).start();
  }

  @AfterEach
  void stop() {
    console.close();
    fixture.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(console.url() + path.substring(1))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(FirebreakConsole at, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(at.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(console.url() + path.substring(1)))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> json(String token) {
    return Map.of("Content-Type", "application/json", ConsoleHttp.TOKEN_HEADER, token);
  }

  private static void assertRefused(HttpResponse<String> r, int status, String message) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().startsWith("{\"error\":"), r.body());
    assertTrue(r.body().contains(message), r.body());
    assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
  }

  @Test
  void theOverviewCountsByStatusListsTheLatestDeadLettersAndMatchesTheMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    FirebreakMetrics.on(registry).monitor(fixture.runtime);
    String body = get("/api/overview").body();
    assertTrue(body.contains("\"COMPLETED\":3"), body);
    assertTrue(body.contains("\"FAILED\":2"), body);
    assertTrue(body.contains("\"RUNNING\":0"), body);
    // Newest first: INV-bad-4 failed after INV-3.
    assertTrue(body.indexOf("\"runId\":\"INV-bad-4\"") < body.indexOf("\"runId\":\"INV-3\""), body);
    assertTrue(body.contains("\"reason\":\"RETRIES_EXHAUSTED\""), body);
    assertTrue(body.contains("\"reason\":\"STEP_FAILED\""), body);
    long letters = (long) registry.get("firebreak.deadletters").gauge().value();
    long inflight = (long) registry.get("firebreak.runs.inflight").gauge().value();
    assertEquals(2, letters);
    assertTrue(body.contains("\"firebreak.deadletters\":" + letters), body);
    assertTrue(body.contains("\"firebreak.runs.inflight\":" + inflight), body);
    assertFalse(body.contains("\"inputs\""), "data is hidden by default: " + body);
  }

  @Test
  void runsAreFilteredPagedAndFoundById() throws Exception {
    String failed = get("/api/runs?status=FAILED").body();
    assertTrue(failed.contains("INV-3") && failed.contains("INV-bad-4"), failed);
    assertFalse(failed.contains("INV-1") || failed.contains("PAY-1"), failed);

    String payroll = get("/api/runs?workflow=" + Fixture.PAYROLL).body();
    assertTrue(payroll.contains("PAY-1") && !payroll.contains("INV-"), payroll);

    String first = get("/api/runs?limit=2").body();
    String next = first.replaceAll("(?s).*\"next\":\"([^\"]+)\".*", "$1");
    assertFalse(next.equals(first), "a first page of two out of five has a next: " + first);
    String second = get("/api/runs?limit=2&after=" + next).body();
    assertTrue(second.contains("\"runId\""), "the second page has runs: " + second);
    for (String id : new String[] {"INV-1", "INV-2", "INV-3", "INV-bad-4", "PAY-1"}) {
      int seen =
          (first.contains("\"" + id + "\"") ? 1 : 0) + (second.contains("\"" + id + "\"") ? 1 : 0);
      assertTrue(seen <= 1, id + " on two pages: " + first + " / " + second);
    }
    String one = get("/api/runs?id=INV-2").body();
    assertTrue(one.contains("\"runId\":\"INV-2\"") && !one.contains("INV-1"), one);
    assertTrue(get("/api/runs?id=NOPE").body().contains("\"runs\":[]"));
    String recent = get("/api/runs?from=2000-01-01&before=2200-01-01T00:00:00Z").body();
    assertTrue(recent.contains("PAY-1"), recent);
  }

  @Test
  void badParametersGetA400SayingWhatIsWrong() throws Exception {
    assertRefused(get("/api/runs?status=DONE"), 400, "status is one of [RUNNING");
    assertRefused(get("/api/runs?limit=0"), 400, "parameter limit is a number from 1 to 200");
    assertRefused(get("/api/runs?limit=many"), 400, "not many");
    assertRefused(get("/api/runs?from=yesterday"), 400, "from is an instant");
    assertRefused(get("/api/runs?after=garbage"), 400, "not a run cursor");
    assertRefused(get("/api/runs?retrying=maybe"), 400, "retrying is true or false");
    assertRefused(get("/api/runs?stauts=FAILED"), 400, "unknown parameter stauts");
    assertRefused(get("/api/runs?entryPoint=x"), 400, "together with its workflow");
    assertRefused(get("/api/dead-letters?reason=LOST"), 400, "reason is one of");
    assertRefused(get("/api/dead-letters?after=garbage"), 400, "not a dead-letter cursor");
    assertRefused(get("/api/overview?x=1"), 400, "this endpoint takes none");
    assertRefused(get("/api/runs/" + "x".repeat(300)), 400, "run id");
    assertRefused(get("/api/runs/%00"), 400, "run id");
    assertRefused(get("/api/runs/NOPE"), 404, "no run \\\"NOPE\\\"");
    assertRefused(get("/api/nothing"), 404, "no such endpoint");
    assertRefused(get("/secrets.txt"), 404, "no such page");
    assertRefused(get("/api/dead-letters/replay"), 405, "use POST here");
  }

  @Test
  void aRunShowsItsTimelineCheckpointsAndDeadLetterWithoutItsData() throws Exception {
    String run = get("/api/runs/INV-3").body();
    assertTrue(run.contains("\"status\":\"FAILED\""), run);
    assertTrue(run.contains("\"checkpoints\":[\"extract\"]"), run);
    assertTrue(run.contains("\"post\":3"), "its attempts: " + run);
    assertTrue(run.contains("\"kind\":\"FAILED\""), run);
    assertTrue(run.contains("java.io.IOException: ledger down"), run);
    assertTrue(run.contains("\"declaredBy\":\"com.acme.LedgerAgent#post\""), run);
    assertTrue(run.contains("\"dataShown\":false"), run);
    assertFalse(run.contains("\"inputs\"") || run.contains("text of INV-3"), run);
  }

  @Test
  void dataIsShownOnlyWhenEnabled() throws Exception {
    try (FirebreakConsole open =
        FirebreakConsole.builder(fixture.runtime).port(0).token(TOKEN).showData(true).start()) {
      String run = get(open, "api/runs/INV-1").body();
      assertTrue(run.contains("\"dataShown\":true"), run);
      assertTrue(run.contains("text of INV-1"), "a checkpoint's output: " + run);
    }
  }

  @Test
  void aConsoleForOneWorkflowAnswersForNoOtherRun() throws Exception {
    try (FirebreakConsole scoped =
        FirebreakConsole.builder(fixture.runtime)
            .port(0)
            .token(TOKEN)
            .workflow(Fixture.INVOICES)
            .start()) {
      HttpResponse<String> other = get(scoped, "api/runs/PAY-1");
      assertRefused(other, 404, "no run \\\"PAY-1\\\"");
      String list = get(scoped, "api/runs?id=PAY-1").body();
      assertTrue(list.contains("\"runs\":[]"), list);
      String all = get(scoped, "api/runs").body();
      assertTrue(all.contains("INV-1") && !all.contains("PAY-1"), all);
      HttpResponse<String> workflow = get(scoped, "api/runs?workflow=" + Fixture.PAYROLL);
      assertRefused(workflow, 400, "does not show workflow com.acme.Payroll");
      String letters = get(scoped, "api/dead-letters?limit=1").body();
      assertTrue(letters.contains("\"byReason\":null"), "counts over every workflow: " + letters);
      assertTrue(letters.contains("\"runId\":\"INV-bad-4\""), letters);
      String cursor = letters.replaceAll("(?s).*\"next\":\"([^\"]+)\".*", "$1");
      String decoded =
          new String(java.util.Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      assertTrue(
          decoded.endsWith(":INV-bad-4"), "a cursor names a run of this workflow: " + decoded);
    }
  }

  @Test
  void aScopedConsolesPagesHoldOnlyItsWorkflowsRuns() throws Exception {
    for (int i = 0; i < 6; i++) {
      fixture.payroll.runForResult("PAY-" + (i + 10), "month " + i); // newer than every invoice
    }
    try (FirebreakConsole scoped =
        FirebreakConsole.builder(fixture.runtime)
            .port(0)
            .token(TOKEN)
            .workflow(Fixture.INVOICES)
            .start()) {
      String page = get(scoped, "api/runs?limit=2").body();
      assertEquals(2, page.split("\"runId\"", -1).length - 1, "a full page: " + page);
      assertFalse(page.contains("PAY-"), page);
    }
  }

  @Test
  void anActionNeedsTheTokenAJsonBodyAndTheConsolesOwnOrigin() throws Exception {
    String body = "{\"runIds\":[\"INV-3\"]}";
    assertRefused(
        post("/api/dead-letters/discard", body, Map.of("Content-Type", "application/json")),
        401,
        "needs the console's token");
    assertRefused(
        post("/api/dead-letters/discard", body, json("wrong-token-0123456789")),
        401,
        "needs the console's token");
    Map<String, String> evil = new java.util.HashMap<>(json(TOKEN));
    evil.put("Origin", "http://evil.example");
    assertRefused(
        post("/api/dead-letters/discard", body, evil), 403, "from the console's own page");
    assertRefused(
        post(
            "/api/dead-letters/discard",
            body,
            Map.of("Content-Type", "text/plain", ConsoleHttp.TOKEN_HEADER, TOKEN)),
        415,
        "body is JSON");
    assertRefused(post("/api/dead-letters/discard", "{\"runIds\":", json(TOKEN)), 400, "in JSON");
    assertRefused(
        post("/api/dead-letters/discard", "{\"runIds\":[]}", json(TOKEN)), 400, "at least one run");
    assertEquals(2, fixture.runtime.deadLetters().size(), "nothing was discarded");
  }

  @Test
  void aRequestForAnotherHostIsRefused() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", console.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/overview HTTP/1.1\r\nHost: attacker.example:"
                  + console.port()
                  + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(response.startsWith("HTTP/1.1 403"), response);
      assertTrue(response.contains("does not answer for host attacker.example"), response);
    }
  }

  @Test
  void replayCompletesARunWhoseCauseIsGoneAndDiscardDropsALetter() throws Exception {
    fixture.ledgerDown.remove("INV-3");
    HttpResponse<String> replayed =
        post("/api/dead-letters/replay", "{\"runIds\":[\"INV-3\",\"NOPE\"]}", json(TOKEN));
    assertEquals(200, replayed.statusCode(), replayed.body());
    assertTrue(
        replayed.body().contains("{\"runId\":\"INV-3\",\"ok\":true,\"message\":\"replaying\"}"),
        replayed.body());
    assertTrue(
        replayed
            .body()
            .contains(
                "{\"runId\":\"NOPE\",\"ok\":false,\"message\":\"no dead letter for run \\\"NOPE\\\"\"}"),
        replayed.body());
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (fixture.runtime.runs().find("INV-3").orElseThrow().run().status()
            != WorkflowStatus.COMPLETED
        && System.nanoTime() < deadline) {
      Thread.sleep(10); // the replay runs on the runtime's threads
    }
    assertEquals(
        WorkflowStatus.COMPLETED,
        fixture.runtime.runs().find("INV-3").orElseThrow().run().status());

    HttpResponse<String> discarded =
        post("/api/dead-letters/discard", "{\"runIds\":[\"INV-bad-4\"]}", json(TOKEN));
    assertTrue(
        discarded.body().contains("\"ok\":true,\"message\":\"discarded\""), discarded.body());
    assertEquals(0, fixture.runtime.deadLetters().size());
    assertEquals(
        WorkflowStatus.FAILED,
        fixture.runtime.runs().find("INV-bad-4").orElseThrow().run().status(),
        "the run stays failed");
    String letters = get("/api/dead-letters").body();
    assertTrue(letters.contains("\"byReason\":{}") && letters.contains("\"letters\":[]"), letters);
  }

  @Test
  void deadLettersAreGroupedByReasonAndFiltered() throws Exception {
    String all = get("/api/dead-letters").body();
    assertTrue(all.contains("\"RETRIES_EXHAUSTED\":1") && all.contains("\"STEP_FAILED\":1"), all);
    String exhausted = get("/api/dead-letters?reason=" + DeadLetterReason.RETRIES_EXHAUSTED).body();
    assertTrue(
        exhausted.contains("INV-3") && !exhausted.contains("\"runId\":\"INV-bad-4\""), exhausted);
  }

  @Test
  void itBindsLoopbackAndPrintsAGeneratedTokenOnce() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (FirebreakConsole generated =
        FirebreakConsole.builder(fixture.runtime)
            .port(0)
            .announceTo(new PrintStream(printed, true, StandardCharsets.UTF_8))
            .start()) {
      assertTrue(generated.url().startsWith("http://127.0.0.1:"), generated.url());
      String text = printed.toString(StandardCharsets.UTF_8);
      assertTrue(text.contains(generated.token()), text);
      assertEquals(1, text.split(generated.token(), -1).length - 1, "printed once: " + text);
      assertTrue(generated.token().length() >= 32);
    }
  }

  @Test
  void aHeadRequestGetsHeadersAloneAndAnAllowedHostIsAnswered() throws Exception {
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(URI.create(console.url() + "api/overview"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, head.statusCode());
    assertEquals("", head.body());
    try (FirebreakConsole proxied =
        FirebreakConsole.builder(fixture.runtime)
            .port(0)
            .token(TOKEN)
            .allowedHosts("console.acme.internal:443")
            .start()) {
      assertTrue(raw(proxied.port(), "console.acme.internal:443").startsWith("HTTP/1.1 200"));
      assertTrue(raw(proxied.port(), "CONSOLE.acme.internal:443").startsWith("HTTP/1.1 200"));
      assertTrue(raw(proxied.port(), "console.acme.internal:80").startsWith("HTTP/1.1 403"));
      assertTrue(raw(proxied.port(), "localhost:" + proxied.port()).startsWith("HTTP/1.1 200"));
    }
  }

  private static String raw(int port, String host) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/overview HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void errorMessagesCanBeHiddenLeavingTheFailuresTypes() throws Exception {
    try (FirebreakConsole quiet =
        FirebreakConsole.builder(fixture.runtime)
            .port(0)
            .token(TOKEN)
            .showErrorMessages(false)
            .start()) {
      String run = get(quiet, "api/runs/INV-bad-4").body();
      assertTrue(run.contains("\"java.lang.IllegalArgumentException\""), run);
      assertFalse(run.contains("unreadable scan"), "the message repeats the input: " + run);
    }
  }

  @Test
  void behindAProxyThatEndsTlsAnActionFromTheConsolesOwnPageIsAccepted() throws Exception {
    try (FirebreakConsole proxied =
        FirebreakConsole.builder(fixture.runtime)
            .port(0)
            .token(TOKEN)
            .allowedHosts("console.acme.internal")
            .start()) {
      assertTrue(raw(proxied.port(), "console.acme.internal").startsWith("HTTP/1.1 200"));
      String own = discardThrough(proxied.port(), "https://console.acme.internal");
      assertTrue(own.startsWith("HTTP/1.1 200"), own);
      assertTrue(own.contains("no dead letter for run"), own);
      String other = discardThrough(proxied.port(), "https://evil.example");
      assertTrue(other.startsWith("HTTP/1.1 403"), other);
    }
  }

  private static String discardThrough(int port, String origin) throws Exception {
    String body = "{\"runIds\":[\"NOPE\"]}";
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/dead-letters/discard HTTP/1.1\r\nHost: console.acme.internal\r\n"
                  + "Origin: "
                  + origin
                  + "\r\nContent-Type: application/json\r\n"
                  + ConsoleHttp.TOKEN_HEADER
                  + ": "
                  + TOKEN
                  + "\r\nContent-Length: "
                  + body.length()
                  + "\r\nConnection: close\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
