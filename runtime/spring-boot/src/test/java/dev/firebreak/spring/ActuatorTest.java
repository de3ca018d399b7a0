package dev.firebreak.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.spring.trip.PaymentAgent;
import dev.firebreak.spring.trip.TripApplication;
import dev.firebreak.spring.trip.TripDesk;
import dev.firebreak.spring.trip.TripWorkflow;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** {@code /actuator/firebreak} and the {@code firebreak} health indicator, over real HTTP. */
class ActuatorTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private String base;

  /** Starts the trip application with a web server; {@code properties} as command-line args. */
  private ConfigurableApplicationContext start(String... properties) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "--firebreak.sqlite-path=" + dir.resolve("trips.db"),
                "--spring.main.web-application-type=servlet",
                "--server.address=127.0.0.1",
                "--server.port=0"));
    for (String p : properties) {
      args.add("--" + p);
    }
    ConfigurableApplicationContext context =
        new SpringApplicationBuilder(TripApplication.class).run(args.toArray(String[]::new));
    base =
        "http://127.0.0.1:"
            + context.getEnvironment().getProperty("local.server.port")
            + "/actuator/";
    return context;
  }

  private HttpResponse<String> send(String method, String path, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String get(String path, int status) throws Exception {
    HttpResponse<String> response = send("GET", path, null);
    assertEquals(status, response.statusCode(), path + ": " + response.body());
    return response.body();
  }

  @Test
  void theEndpointShowsRunsBreakersAndDeadLettersAndForcesAndReplays() throws Exception {
    try (ConfigurableApplicationContext context =
        start(
            "management.endpoints.web.exposure.include=health,firebreak",
            "management.endpoint.health.show-details=always",
            "management.health.firebreak.enabled=true",
            "firebreak.health.max-dead-letters=2")) {
      TripDesk desk = context.getBean(TripDesk.class);
      assertEquals(WorkflowStatus.COMPLETED, desk.book("ok-trip", "Lisbon").status());
      assertEquals(WorkflowStatus.FAILED, desk.book("broke-trip", "Broke").status());

      String overview = get("firebreak", 200);
      assertTrue(overview.contains("\"COMPLETED\":1"), overview);
      assertTrue(overview.contains("\"FAILED\":1"), overview);
      assertTrue(overview.contains("\"deadLetters\":1"), overview);

      String failed = get("firebreak/runs?status=FAILED", 200);
      assertTrue(failed.contains("\"runId\":\"broke-trip\""), failed);
      assertTrue(!failed.contains("ok-trip"), "filtered by status: " + failed);
      String run = get("firebreak/runs/broke-trip", 200);
      assertTrue(run.contains("\"kind\":\"FAILED\""), run);
      assertTrue(run.contains("card declined"), run);
      get("firebreak/runs/no-such-trip", 404);
      get("firebreak/runs?status=LOST", 400);

      String letters = get("firebreak/dead-letters", 200);
      assertTrue(letters.contains("\"runId\":\"broke-trip\""), letters);
      assertEquals(
          400,
          send("POST", "firebreak/dead-letters/broke-trip", "{\"action\":\"x\"}").statusCode());

      String up = get("health/firebreak", 200);
      assertTrue(up.contains("\"status\":\"UP\""), up);
      String opened = send("POST", "firebreak/breakers/payments", "{\"state\":\"OPEN\"}").body();
      assertTrue(opened.contains("\"state\":\"OPEN\""), opened);
      String down = get("health/firebreak", 503);
      assertTrue(down.contains("\"status\":\"DOWN\""), down);
      assertTrue(down.contains("\"openBreakers\":[\"payments\"]"), down);

      // A run that meets the forced-open breaker parks (its room is checkpointed) ...
      FirebreakRuntime runtime = context.getBean(FirebreakRuntime.class);
      var parked = context.getBean(TripWorkflow.class).bookAsync("parked-trip", "Lisbon");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (runtime.parkedRuns("payments") == 0 && System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      String breaker = get("firebreak/breakers/payments", 200);
      assertTrue(breaker.contains("\"parkedRuns\":1"), breaker);
      // ... and closing the breaker by hand resumes it at once.
      String closed = send("POST", "firebreak/breakers/payments", "{\"state\":\"CLOSED\"}").body();
      assertTrue(closed.contains("\"state\":\"CLOSED\""), closed);
      assertEquals(
          WorkflowStatus.COMPLETED,
          parked.toCompletableFuture().get(10, TimeUnit.SECONDS).status());
      assertEquals(
          400, send("POST", "firebreak/breakers/payments", "{\"state\":\"AJAR\"}").statusCode());
      get("firebreak/breakers/nothing", 404);
      assertEquals(
          404, send("POST", "firebreak/breakers/nothing", "{\"state\":\"OPEN\"}").statusCode());
      assertEquals(
          404,
          send("POST", "firebreak/dead-letters/nothing", "{\"action\":\"replay\"}").statusCode());
      assertEquals(404, send("DELETE", "firebreak/dead-letters/nothing", null).statusCode());

      // Two dead letters: at the threshold, DOWN.
      assertEquals(WorkflowStatus.FAILED, desk.book("broke-again", "Broke").status());
      assertTrue(get("health/firebreak", 503).contains("\"deadLetters\":2"));
      PaymentAgent.declining = false; // the cause is fixed
      HttpResponse<String> replay =
          send("POST", "firebreak/dead-letters/broke-again", "{\"action\":\"replay\"}");
      assertEquals(200, replay.statusCode(), replay.body());
      assertEquals(WorkflowStatus.COMPLETED, StarterTest.endOf(runtime, "broke-again"));
      assertEquals(200, send("DELETE", "firebreak/dead-letters/broke-trip", null).statusCode());
      get("firebreak/dead-letters/broke-trip", 404);
      String healed = get("health/firebreak", 200);
      assertTrue(healed.contains("\"deadLetters\":0"), healed);
    } finally {
      PaymentAgent.declining = true;
    }
  }

  @Test
  void bothAreOffUntilTheApplicationTurnsThemOn() throws Exception {
    try (ConfigurableApplicationContext context = start()) {
      get("firebreak", 404);
      String health = get("health", 200);
      assertTrue(!health.contains("firebreak"), health);
      assertTrue(context.getBeansOfType(FirebreakEndpoint.class).isEmpty());
    }
  }
}
