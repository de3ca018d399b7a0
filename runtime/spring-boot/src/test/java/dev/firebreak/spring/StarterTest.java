package dev.firebreak.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunHandedBackException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.spring.trip.Booking;
import dev.firebreak.spring.trip.PaymentAgent;
import dev.firebreak.spring.trip.TripApplication;
import dev.firebreak.spring.trip.TripDesk;
import dev.firebreak.spring.trip.TripWorkflow;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** An application with the starter and {@code firebreak.*} properties, and nothing else. */
class StarterTest {
  @TempDir Path dir;

  private ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(TripApplication.class)
        .properties("firebreak.sqlite-path=" + dir.resolve("trips.db"))
        .properties(properties)
        .run();
  }

  /** The status run {@code runId} ends with, read from the store for up to 30 s. */
  static WorkflowStatus endOf(FirebreakRuntime runtime, String runId) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    WorkflowStatus status = WorkflowStatus.RUNNING;
    while (!status.isTerminal() && System.nanoTime() < until) {
      status = runtime.runs().find(runId).orElseThrow().run().status();
      Thread.onSpinWait();
    }
    return status;
  }

  @Test
  void componentAgentsRunTheirWorkflowThroughTheGeneratedOrchestratorBean() {
    try (ConfigurableApplicationContext context = start()) {
      WorkflowResult<Booking> result = context.getBean(TripDesk.class).book("trip-1", "Lisbon");
      assertEquals(WorkflowStatus.COMPLETED, result.status());
      assertEquals("Lisbon", result.output().room().city());
      TripWorkflow workflow = context.getBean(TripWorkflow.class);
      assertEquals("FirebreakTripWorkflow", workflow.getClass().getSimpleName());
      FirebreakRuntime runtime = context.getBean(FirebreakRuntime.class);
      assertEquals(
          WorkflowStatus.COMPLETED, runtime.runs().find("trip-1").orElseThrow().run().status());
    }
    assertTrue(dir.resolve("trips.db").toFile().length() > 0, "the runs went to the SQLite file");
  }

  @Test
  void runsInFlightAtShutdownAreHandedBackAndResumeWhenTheNextContextStarts() throws Exception {
    PaymentAgent.release = new CountDownLatch(1);
    CompletableFuture<WorkflowResult<Booking>> held;
    try (ConfigurableApplicationContext context = start("firebreak.shutdown-grace-period=50ms")) {
      held = context.getBean(TripWorkflow.class).bookAsync("trip-2", "Hold").toCompletableFuture();
      assertTrue(PaymentAgent.holding.await(10, TimeUnit.SECONDS), "the charge is under way");
    }
    ExecutionException handedBack =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> held.get(10, TimeUnit.SECONDS));
    assertTrue(handedBack.getCause() instanceof RunHandedBackException, handedBack.toString());

    PaymentAgent.release.countDown();
    try (ConfigurableApplicationContext context = start()) {
      FirebreakRuntime runtime = context.getBean(FirebreakRuntime.class);
      assertEquals(
          WorkflowStatus.COMPLETED, endOf(runtime, "trip-2"), "taken up by the next context");
    }
  }

  @Test
  void aRunWhoseProcessWasKilledMidStepIsFinishedByTheNextStart() throws Exception {
    Path db = dir.resolve("trips.db");
    Process app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.firebreak.spring.trip.TripCrashMain",
                db.toString(),
                "trip-killed")
            .redirectErrorStream(true)
            .start();
    try {
      CompletableFuture<Boolean> holding =
          CompletableFuture.supplyAsync(
              () ->
                  new java.io.BufferedReader(
                          new java.io.InputStreamReader(
                              app.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                      .lines()
                      .anyMatch("HOLDING"::equals));
      assertTrue(holding.get(60, TimeUnit.SECONDS), "the other process holds its run");
    } finally {
      app.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back
      assertTrue(app.waitFor(30, TimeUnit.SECONDS));
    }

    try (ConfigurableApplicationContext context = start()) {
      FirebreakRuntime runtime = context.getBean(FirebreakRuntime.class);
      assertEquals(
          WorkflowStatus.COMPLETED, endOf(runtime, "trip-killed"), "finished by the next start");
      var details = runtime.runs().find("trip-killed").orElseThrow();
      assertEquals(List.of("reserve"), details.checkpoints());
      assertTrue(
          details.timeline("reserve").isEmpty(),
          "the room reserved before the kill came from its checkpoint: " + details);
      assertEquals(
          List.of(dev.firebreak.runtime.TimelineEntry.Kind.SUCCEEDED),
          details.timeline("charge").stream().map(e -> e.kind()).toList(),
          details.toString());
    }
  }

  @Test
  void policyOverridesComeFromProperties() {
    Exception refused =
        org.junit.jupiter.api.Assertions.assertThrows(
            Exception.class,
            () -> start("firebreak.overrides.TripWorkflow.reserve.retry.maxAttempts=0").close());
    StringBuilder causes = new StringBuilder();
    for (Throwable t = refused; t != null; t = t.getCause()) {
      causes.append(t.getMessage()).append('\n');
    }
    assertTrue(
        causes.toString().contains("firebreak.TripWorkflow.reserve.retry.maxAttempts"),
        "the bad override is refused by its key: " + causes);
  }

  @Test
  void admissionOfParkedRunsComesFromProperties() {
    try (ConfigurableApplicationContext context =
        start("firebreak.max-parked-runs-per-breaker=0")) {
      TripDesk desk = context.getBean(TripDesk.class);
      assertEquals(WorkflowStatus.COMPLETED, desk.book("before", "Oslo").status());
      FirebreakRuntime runtime = context.getBean(FirebreakRuntime.class);
      assertTrue(runtime.forceOpen("payments"));
      WorkflowResult<Booking> refused = desk.book("no-room-to-park", "Oslo");
      assertEquals(WorkflowStatus.FAILED, refused.status(), "not parked: none may be");
      assertTrue(
          refused.failure() instanceof dev.firebreak.runtime.CircuitOpenException,
          String.valueOf(refused.failure()));
    }
  }

  @Configuration
  static class Meters {
    @Bean
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry() {
      return new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }
  }

  @Test
  void theRuntimesMetersGoToTheApplicationsRegistry() {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(TripApplication.class, Meters.class)
            .properties("firebreak.sqlite-path=" + dir.resolve("trips.db"))
            .run()) {
      context.getBean(TripDesk.class).book("trip-3", "Porto");
      var registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
      assertEquals(
          1.0,
          registry
              .get("firebreak.runs")
              .tags("workflow", "TripWorkflow", "status", "COMPLETED")
              .counter()
              .count());
      assertEquals(0.0, registry.get("firebreak.runs.inflight").gauge().value());
    }
  }

  @Configuration
  static class OwnRuntime {
    static final FirebreakRuntime RUNTIME =
        FirebreakRuntime.builder()
            .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
            .shutdownHook(false)
            .build();

    @Bean
    FirebreakRuntime myRuntime() {
      return RUNTIME;
    }
  }

  @Test
  void anApplicationsOwnRuntimeBeanWins() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(FirebreakAutoConfiguration.class))
        .withUserConfiguration(OwnRuntime.class)
        .run(
            context -> {
              assertSame(OwnRuntime.RUNTIME, context.getBean(FirebreakRuntime.class));
              assertEquals(1, context.getBeansOfType(FirebreakRuntime.class).size());
              assertTrue(
                  context.getBeansOfType(dev.firebreak.runtime.CheckpointStore.class).isEmpty(),
                  "no store of the starter's is opened beside the application's runtime");
            });
  }
}
