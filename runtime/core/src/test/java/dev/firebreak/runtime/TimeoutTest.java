package dev.firebreak.runtime;

import static dev.firebreak.runtime.Flow.sync;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.time.ManualScheduler;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sync steps run on a worker thread while the test thread moves the virtual clock: the latches only
 * wait for the worker to reach a point, never for time to pass.
 */
class TimeoutTest {
  private final ManualScheduler clock = new ManualScheduler();
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final FirebreakRuntime runtime =
      FirebreakRuntime.builder()
          .checkpointStore(new dev.firebreak.runtime.store.InMemoryCheckpointStore())
          .executor(worker)
          .scheduler(clock)
          .build();

  @AfterEach
  void stop() {
    worker.shutdownNow();
  }

  @Test
  void aSleepingSyncStepIsInterruptedAtItsTimeoutAndTheWorkerIsCleanAfterwards() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    BoundEntryPoint entry =
        Flow.of("sleepy", 1)
            .step(
                StepDescriptor.builder("slow").inputs(0),
                Duration.ofSeconds(1),
                sync(
                    (s, ctx) -> {
                      entered.countDown();
                      try {
                        Thread.sleep(20_000);
                      } catch (InterruptedException e) {
                        interrupted.set(true);
                        throw e;
                      }
                      return "late";
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    clock.advance(Duration.ofMillis(999));
    assertFalse(interrupted.get());
    clock.advance(Duration.ofMillis(1));
    WorkflowResult<String> result = run.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertTrue(interrupted.get(), "the step was interrupted");
    assertInstanceOf(StepTimeoutException.class, result.failure());
    assertInstanceOf(InterruptedException.class, result.failure().getCause());
    boolean flagAfter =
        worker.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS);
    assertFalse(flagAfter, "the worker's interrupt flag is cleared before reuse");
  }

  @Test
  void aStepThatIgnoresInterruptsYieldsATimeoutWhenItReturns() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BoundEntryPoint entry =
        Flow.of("stubborn", 1)
            .step(
                StepDescriptor.builder("stubborn").inputs(0),
                Duration.ofSeconds(1),
                sync(
                    (s, ctx) -> {
                      entered.countDown();
                      while (true) {
                        try {
                          if (release.await(10, TimeUnit.SECONDS)) {
                            return "value after the timeout";
                          }
                        } catch (InterruptedException ignored) {
                          // Deliberately swallowed: the step does not cooperate.
                        }
                      }
                    }))
            .bind(runtime);
    CompletionStage<WorkflowResult<String>> run = entry.runAsyncForResult(null, "in");
    assertTrue(entered.await(10, TimeUnit.SECONDS));
    clock.advance(Duration.ofSeconds(1));
    release.countDown();
    WorkflowResult<String> result = run.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(WorkflowStatus.FAILED, result.status(), "a late value is not used");
    assertInstanceOf(StepTimeoutException.class, result.failure());
    assertFalse(
        worker.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS));
  }

  @Test
  void aStepThatFinishesInTimeIsNeverInterruptedLater() throws Exception {
    BoundEntryPoint entry =
        Flow.of("quick", 1)
            .step(
                StepDescriptor.builder("quick").inputs(0),
                Duration.ofSeconds(1),
                sync((s, ctx) -> "fast"))
            .bind(runtime);
    WorkflowResult<String> result =
        entry.<String>runAsyncForResult(null, "in").toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("fast", result.output());
    assertEquals(0, clock.pending(), "the timeout was cancelled when the step returned");
    clock.advance(Duration.ofSeconds(5));
    assertFalse(
        worker.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS));
  }
}
