package dev.firebreak.runtime.console;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.Flow;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.ManualScheduler;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs parked on an open breaker and runs retrying now, on a clock that stands still: the console
 * lists each under its filter and shows the breaker with what is parked on it.
 */
class ParkedAndRetryingTest {
  @TempDir Path dir;
  private final ManualScheduler clock = new ManualScheduler();
  private final HttpClient http = HttpClient.newHttpClient();
  private FirebreakRuntime runtime;
  private FirebreakConsole console;

  @BeforeEach
  void start() {
    runtime =
        FirebreakRuntime.builder()
            .sqlite(dir.resolve("parked.db"))
            .scheduler(clock)
            .executor(Runnable::run)
            .shutdownGracePeriod(Duration.ZERO) // the parked and retrying runs wait forever here
            .build();
    CircuitBreakerPolicy ocrApi =
        new CircuitBreakerPolicy(
            "ocr-api", 1, Duration.ofSeconds(30), 1, List.of(Exception.class), List.of());
    BoundEntryPoint scans =
        Flow.of("scan", 1)
            .workflow("com.acme.Scans")
            .inputCodecs(Codecs.STRING)
            .step(
                StepDescriptor.builder("extract").inputs(0).checkpointed(Codecs.STRING),
                sync((s, ctx) -> s[0] + "!"))
            .step(
                StepDescriptor.builder("ocr").inputs(1).circuitBreaker(ocrApi),
                sync(
                    (s, ctx) -> {
                      throw new IOException("ocr down");
                    }))
            .bind(runtime);
    BoundEntryPoint ledger =
        Flow.of("post", 1)
            .workflow("com.acme.Ledger")
            .inputCodecs(Codecs.STRING)
            .step(
                StepDescriptor.builder("post")
                    .inputs(0)
                    .retry(Flow.fixedRetry(3, Duration.ofMinutes(1))),
                sync(
                    (s, ctx) -> {
                      throw new IOException("ledger busy");
                    }))
            .bind(runtime);
    assertEquals(WorkflowStatus.FAILED, scans.runForResult("opens-it", "a").status());
    scans.runAsyncForResult("parked-1", "b");
    ledger.runAsyncForResult("retrying-1", "c");
    console = FirebreakConsole.builder(runtime).port(0).token("parked-token-0123456789").start();
  }

  @AfterEach
  void stop() {
    console.close();
    runtime.close();
  }

  private String get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(console.url() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return r.body();
  }

  @Test
  void theBreakerShowsWhatIsParkedOnItAndEachFilterListsItsRuns() throws Exception {
    String breakers = get("api/breakers");
    assertTrue(
        breakers.contains(
            "{\"name\":\"ocr-api\",\"states\":{\""
                + runtime.nodeId()
                + "\":\"OPEN\"},\"parkedHere\":1,\"parkedInStore\":1,\"parkedAtLeast\":false}"),
        breakers);

    String parked = get("api/runs?parkedOn=ocr-api");
    assertTrue(parked.contains("\"runId\":\"parked-1\""), parked);
    assertTrue(parked.contains("\"parkedOn\":\"ocr-api\""), parked);
    assertFalse(parked.contains("retrying-1") || parked.contains("opens-it"), parked);

    String retrying = get("api/runs?retrying=true");
    assertTrue(retrying.contains("\"runId\":\"retrying-1\""), retrying);
    assertTrue(retrying.contains("\"retrying\":1"), retrying);
    assertFalse(retrying.contains("parked-1"), retrying);

    String overview = get("api/overview");
    assertTrue(overview.contains("\"PARKED\":1"), overview);
    assertTrue(overview.contains("\"firebreak.breakers.open\":1"), overview);
  }
}
