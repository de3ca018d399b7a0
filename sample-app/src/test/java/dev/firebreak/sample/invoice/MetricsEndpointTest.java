package dev.firebreak.sample.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.sample.invoice.services.FaultProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real scrape of the sample's endpoint after a batch: the meters agree with the batch report. */
class MetricsEndpointTest {
  @TempDir Path dir;

  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.E+-]+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : 0.0;
  }

  @Test
  void scrapeAfterABatchShowsTheFiveSignals() throws Exception {
    FaultProfile faults = FaultProfile.caseStudy(42);
    InvoiceApp app = InvoiceApp.create(faults, dir.resolve("metrics.db"));
    try (MetricsServer server = Main.serve(app, 0)) {
      BatchReport report = Main.run(app, faults, 200, null);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      String scrape = response.body();
      for (String path : new String[] {"/", "/favicon.ico"}) {
        HttpResponse<String> other =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(path.equals("/") ? 200 : 404, other.statusCode(), path);
        assertTrue(other.body().contains("/metrics"), "says where the metrics are: " + path);
      }
      String wf = "workflow=\"InvoiceWorkflow\"";
      assertEquals(
          report.count(dev.firebreak.runtime.WorkflowStatus.COMPLETED),
          (int) value(scrape, "firebreak_runs_total{status=\"COMPLETED\"," + wf + "}"),
          scrape);
      assertEquals(
          report.count(dev.firebreak.runtime.WorkflowStatus.COMPLETED_DEGRADED),
          (int) value(scrape, "firebreak_runs_total{status=\"COMPLETED_DEGRADED\"," + wf + "}"));
      assertEquals(
          report.retries(),
          (int)
              (value(scrape, "firebreak_retries_total{step=\"extract\"," + wf + "}")
                  + value(scrape, "firebreak_retries_total{step=\"match\"," + wf + "}")
                  + value(scrape, "firebreak_retries_total{step=\"post\"," + wf + "}")));
      assertEquals(report.manualQueue(), (int) value(scrape, "firebreak_deadletters"));
      assertTrue(
          value(
                  scrape,
                  "firebreak_step_attempts_total{outcome=\"success\",step=\"validate\"," + wf + "}")
              > 0);
      assertTrue(
          scrape.contains(
              "firebreak_step_duration_seconds_bucket{step=\"extract\"," + wf + ",le=\"+Inf\"}"));
      assertTrue(scrape.contains("firebreak_breakers_open "), scrape);
      // The error budget counts exactly the failed runs, from the counter this batch feeds.
      String rules = java.nio.file.Files.readString(Path.of("../ops/prometheus-alerts.yml"));
      Matcher failures =
          Pattern.compile("firebreak_runs_total\\{status=~\"([A-Z_|]+)\"\\}").matcher(rules);
      assertTrue(failures.find(), "the error ratio's numerator");
      java.util.Set<String> counted = java.util.Set.of(failures.group(1).split("\\|"));
      java.util.Set<String> failed = new java.util.HashSet<>();
      double all = 0;
      double failedRuns = 0;
      for (dev.firebreak.runtime.WorkflowStatus status :
          dev.firebreak.runtime.WorkflowStatus.values()) {
        double n = value(scrape, "firebreak_runs_total{status=\"" + status + "\"," + wf + "}");
        all += n;
        if (status.isFailure()) {
          failed.add(status.name());
          failedRuns += n;
        }
      }
      assertEquals(failed, counted, "every failure status, and only those");
      assertEquals(200, (int) all, scrape);
      assertEquals(
          report.count(dev.firebreak.runtime.WorkflowStatus.FAILED)
              + report.count(dev.firebreak.runtime.WorkflowStatus.COMPENSATION_FAILED),
          (int) failedRuns);
      for (String rule :
          new String[] {
            "record: firebreak:run_success_objective",
            "alert: FirebreakErrorBudgetBurnFast",
            "alert: FirebreakErrorBudgetBurnSlow"
          }) {
        assertTrue(rules.contains(rule), rule);
      }
      // The shipped alert rules and dashboard only use series this endpoint really exports.
      for (String file :
          new String[] {"../ops/prometheus-alerts.yml", "../ops/grafana-dashboard.json"}) {
        Matcher used =
            Pattern.compile("\\bfirebreak_[a-z_]+")
                .matcher(java.nio.file.Files.readString(Path.of(file)));
        int checked = 0;
        while (used.find()) {
          assertTrue(
              scrape.contains(used.group() + "{") || scrape.contains(used.group() + " "),
              file + " uses " + used.group() + ", which the endpoint does not export");
          checked++;
        }
        assertTrue(checked >= 5, file);
      }
    } finally {
      app.runtime().close();
    }
  }
}
