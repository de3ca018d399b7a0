package dev.firebreak.benchmarks;

import dev.failsafe.CircuitBreaker;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.generated.BoundEntryPoint;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.CircuitBreakerPolicy;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.StepDescriptor;
import dev.firebreak.runtime.internal.Breaker;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import dev.firebreak.runtime.time.SystemScheduler;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One trivial sync step ({@code Blackhole.consumeCPU(10)}) under retry + circuit breaker (+
 * timeout), through Firebreak, Resilience4j and Failsafe; beside a direct call and a hand-off to a
 * 2-thread pool. All in one run, so the ratios hold on a noisy machine.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StepOverheadBenchmark {
  private static final long WORK = 10;

  private ExecutorService pool;
  private SystemScheduler timer;
  private FirebreakRuntime runtime;
  private BoundEntryPoint firebreakStep;
  private BoundEntryPoint firebreakChain;
  private Breaker firebreakBreaker;
  private Retry r4jRetry;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker;
  private TimeLimiter r4jTimeLimiter;
  private FailsafeExecutor<Object> failsafe;
  private FailsafeExecutor<Object> failsafeWithTimeout;

  static Object work() {
    Blackhole.consumeCPU(WORK);
    return Boolean.TRUE;
  }

  @Setup(Level.Trial)
  public void setUp() {
    pool = Executors.newFixedThreadPool(2);
    timer = new SystemScheduler();
    runtime =
        FirebreakRuntime.builder()
            .checkpointStore(InMemoryCheckpointStore.forgettingFinished())
            .scheduler(timer)
            .mdc(false)
            .build();
    dev.firebreak.runtime.graph.RetryPolicy retry =
        new dev.firebreak.runtime.graph.RetryPolicy(
            3,
            Duration.ofMillis(10),
            2.0,
            Duration.ofSeconds(1),
            0,
            List.of(Exception.class),
            List.of(),
            null);
    CircuitBreakerPolicy breaker =
        new CircuitBreakerPolicy(
            "bench", 5, Duration.ofSeconds(30), 1, List.of(Exception.class), List.of());
    firebreakStep = runtime.bind(plan("one", 1, retry, breaker), bindings(1));
    firebreakChain = runtime.bind(plan("chain", 4, retry, breaker), bindings(4));
    firebreakBreaker = Breaker.standalone(breaker, timer);

    r4jRetry =
        Retry.of(
            "bench",
            RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(10)).build());
    r4jBreaker =
        io.github.resilience4j.circuitbreaker.CircuitBreaker.of(
            "bench", CircuitBreakerConfig.ofDefaults());
    r4jTimeLimiter =
        TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(30)).build());

    RetryPolicy<Object> fsRetry =
        RetryPolicy.builder().withMaxAttempts(3).withDelay(Duration.ofMillis(10)).build();
    CircuitBreaker<Object> fsBreaker =
        CircuitBreaker.builder().withFailureThreshold(5).withDelay(Duration.ofSeconds(30)).build();
    failsafe = Failsafe.with(fsRetry, fsBreaker);
    failsafeWithTimeout =
        Failsafe.with(
            fsRetry, fsBreaker, Timeout.builder(Duration.ofSeconds(30)).withInterrupt().build());
  }

  private static EntryPointPlan plan(
      String name,
      int steps,
      dev.firebreak.runtime.graph.RetryPolicy retry,
      CircuitBreakerPolicy breaker) {
    List<StepDescriptor> list = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      list.add(
          StepDescriptor.builder("s" + i)
              .inputs(i)
              .retry(retry)
              .circuitBreaker(breaker)
              .timeout(Duration.ofSeconds(30))
              .build());
    }
    return new EntryPointPlan(
        "bench.Workflow", name, List.of("java.lang.Object"), list, steps, null, "bench-" + name);
  }

  private static List<StepBinding> bindings(int steps) {
    List<StepBinding> list = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      list.add(StepBinding.sync((s, ctx) -> work()));
    }
    return list;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
    timer.close();
    pool.shutdownNow();
  }

  @Benchmark
  public Object direct() {
    return work();
  }

  @Benchmark
  public Object handOffToPool() throws Exception {
    return pool.submit(StepOverheadBenchmark::work).get();
  }

  @Benchmark
  public Object resilience4jRetryBreaker() {
    Supplier<Object> s =
        Retry.decorateSupplier(r4jRetry, r4jBreaker.decorateSupplier(StepOverheadBenchmark::work));
    return s.get();
  }

  @Benchmark
  public Object resilience4jRetryBreakerTimeLimiter() throws Exception {
    return r4jRetry.executeCallable(
        () ->
            r4jBreaker.executeCallable(
                () ->
                    r4jTimeLimiter.executeFutureSupplier(
                        () -> pool.submit(StepOverheadBenchmark::work))));
  }

  @Benchmark
  public Object failsafeRetryBreaker() {
    return failsafe.get(StepOverheadBenchmark::work);
  }

  @Benchmark
  public Object failsafeRetryBreakerTimeout() {
    return failsafeWithTimeout.get(StepOverheadBenchmark::work);
  }

  /**
   * One step with retry, breaker and timeout, through the engine a generated orchestrator calls.
   */
  @Benchmark
  public Object firebreakStepRetryBreakerTimeout() {
    return firebreakStep.run(null, Boolean.TRUE);
  }

  /** Four such steps in a chain: one run, same thread, no hand-off. */
  @Benchmark
  public Object firebreakChainOfFour() {
    return firebreakChain.run(null, Boolean.TRUE);
  }

  @Benchmark
  public boolean firebreakBreakerBookkeeping() {
    long permit = firebreakBreaker.tryAcquire(0);
    firebreakBreaker.onResult(permit, null, 0);
    return permit >= 0;
  }

  @Benchmark
  public boolean resilience4jBreakerBookkeeping() {
    boolean ok = r4jBreaker.tryAcquirePermission();
    r4jBreaker.onSuccess(0, TimeUnit.NANOSECONDS);
    return ok;
  }
}
