package dev.firebreak.sample.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring Boot flavour of the case study, started as its users start it, driven over HTTP. */
class InvoiceApplicationTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> send(String base, String method, String path, String json)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBatchWithTheCaseStudysFaultsEndsEveryInvoiceAndTheActuatorShowsThem() throws Exception {
    try (ConfigurableApplicationContext app =
        SpringApplication.run(
            InvoiceApplication.class,
            "--server.port=0",
            "--firebreak.sqlite-path=" + dir.resolve("invoices.db"))) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");

      HttpResponse<String> batch = send(base, "POST", "/invoices/batch?count=60", null);
      assertEquals(200, batch.statusCode(), batch.body());
      assertTrue(batch.body().contains("\"invoices\":60"), batch.body());
      FirebreakRuntime runtime = app.getBean(FirebreakRuntime.class);
      Map<WorkflowStatus, Long> stored = runtime.runs().countByStatus();
      assertEquals(
          60L, stored.values().stream().mapToLong(Long::longValue).sum(), "none lost: " + stored);
      assertTrue(
          stored.entrySet().stream().allMatch(e -> e.getKey().isTerminal() || e.getValue() == 0),
          "all ended: " + stored);
      assertTrue(stored.getOrDefault(WorkflowStatus.COMPLETED, 0L) > 30, stored.toString());
      assertTrue(
          stored.getOrDefault(WorkflowStatus.COMPLETED_DEGRADED, 0L) > 0,
          "inexact PO references degrade to suggested matches: " + stored);

      HttpResponse<String> one =
          send(
              base,
              "POST",
              "/invoices",
              "{\"id\":\"INV-ONE\",\"supplier\":\"Nordfracht\",\"scanQuality\":0.9,"
                  + "\"statedTotal\":120.50,\"poReference\":\"PO-123456\"}");
      assertEquals(200, one.statusCode(), one.body());
      assertTrue(one.body().contains("\"invoiceId\":\"INV-ONE\""), one.body());
      assertTrue(one.body().contains("\"amount\":120.5"), one.body());

      String found = send(base, "GET", "/invoices/INV-ONE", null).body();
      assertTrue(found.contains("\"checkpoints\":[\"extract\""), found);
      assertEquals(404, send(base, "GET", "/invoices/INV-NONE", null).statusCode());
      HttpResponse<String> tooMany = send(base, "POST", "/invoices/batch?count=0", null);
      assertEquals(400, tooMany.statusCode(), tooMany.body());
      assertTrue(tooMany.body().contains("count is 1 to 10000, not 0"), tooMany.body());

      String overview = send(base, "GET", "/actuator/firebreak", null).body();
      assertTrue(overview.contains("\"ocr-api\":{\"state\":"), overview);
      String prometheus = send(base, "GET", "/actuator/prometheus", null).body();
      assertTrue(prometheus.contains("firebreak_runs_total{"), prometheus);
      String health = send(base, "GET", "/actuator/health", null).body();
      assertTrue(health.contains("\"firebreak\":{"), health);
    }
  }
}
