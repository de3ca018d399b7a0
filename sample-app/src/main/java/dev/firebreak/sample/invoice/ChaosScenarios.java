package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.OverloadedException;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.chaos.Chaos;
import dev.firebreak.runtime.time.SystemScheduler;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import dev.firebreak.sample.invoice.services.Ledger;
import dev.firebreak.sample.invoice.services.OcrClient;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The seed's four chaos tests, on the case study with time compressed (the sample's policies are in
 * milliseconds: a 150 ms OCR timeout, a breaker open for 1 s). Each scenario builds its own app on
 * its own store, injects its fault, recovers, and reports what happened — counted from runs, dead
 * letters and the services' call counts. Used by the tests and by {@code chaos <scenario>}.
 */
final class ChaosScenarios {
  static final List<String> NAMES = List.of("timeout", "outage", "saturation", "corrupt");

  /** What a scenario observed; {@code facts} in the order they are printed. */
  record Outcome(
      String scenario, int invoices, int completed, int lost, Map<String, Object> facts) {
    String render() {
      StringBuilder s = new StringBuilder();
      s.append(
          String.format(
              "chaos %s: %d invoices, %d completed, %d lost%n",
              scenario, invoices, completed, lost));
      facts.forEach((k, v) -> s.append(String.format("  %-40s %s%n", k, v)));
      return s.toString();
    }

    int fact(String name) {
      return ((Number) facts.get(name)).intValue();
    }
  }

  private ChaosScenarios() {}

  static Outcome run(String name, Path dir) throws Exception {
    switch (name) {
      case "timeout":
        return agentTimeout(dir, 60);
      case "outage":
        return completeFailure(dir, 60);
      case "saturation":
        return saturation(dir, 40);
      case "corrupt":
        return corruptedData(dir, 100);
      default:
        throw new Main.UsageException("unknown chaos scenario " + name + "; one of " + NAMES);
    }
  }

  private static InvoiceApp app(Path dir, String name, AppOptions options) throws Exception {
    Files.createDirectories(dir);
    Path db = dir.resolve("chaos-" + name + ".db");
    for (String suffix : new String[] {"", "-wal", "-shm"}) {
      Files.deleteIfExists(Path.of(db + suffix));
    }
    return InvoiceApp.create(FaultProfile.none(7), db, options);
  }

  private static AppOptions options() {
    SystemScheduler clock = new SystemScheduler();
    return new AppOptions(clock, Chaos.create(clock), FirebreakRuntime.DEFAULT_MAX_IN_FLIGHT_RUNS);
  }

  private static List<CompletableFuture<WorkflowResult<AccountingEntry>>> submit(
      InvoiceApp app, List<InvoiceFile> batch) {
    List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs = new ArrayList<>();
    for (InvoiceFile file : batch) {
      runs.add(app.workflow().processAsync(file.id(), file).toCompletableFuture());
    }
    return runs;
  }

  /** Waits (bounded) for a condition the scenario needs before its next move. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("chaos scenario: waited 60 s for " + what);
      }
      Thread.sleep(5);
    }
  }

  /** Replays every dead letter (the cause is gone); returns how many completed. */
  private static int replayDeadLetters(InvoiceApp app) {
    int completed = 0;
    for (DeadLetter letter : app.runtime().deadLetters().list()) {
      WorkflowResult<Object> r = app.runtime().replay(letter.runId()).toCompletableFuture().join();
      if (r.isSuccess()) {
        completed++;
      }
    }
    return completed;
  }

  private static int succeeded(List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs) {
    int n = 0;
    for (CompletableFuture<WorkflowResult<AccountingEntry>> r : runs) {
      if (r.join().isSuccess()) {
        n++;
      }
    }
    return n;
  }

  /**
   * Agent timeout: every OCR call hangs 30 s. Calls time out at 150 ms, the breaker opens, runs
   * park on it (or, having spent their retries first, wait in the dead-letter queue); when OCR
   * recovers the breaker half-opens, parked runs complete and the queued ones are replayed.
   */
  static Outcome agentTimeout(Path dir, int count) throws Exception {
    AppOptions options = options();
    InvoiceApp app = app(dir, "timeout", options);
    try {
      options.chaos().on(OcrClient.class).delay(Duration.ofSeconds(30));
      List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs =
          submit(app, Batch.generate(FaultProfile.none(7), count));
      await(
          "the OCR breaker to open and runs to park",
          () -> app.stats().breakerOpenings() > 0 && app.runtime().parkedRuns("ocr-api") > 0);
      int parkedAtPeak = app.runtime().parkedRuns("ocr-api");
      options.chaos().clear(); // OCR recovers
      CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
      int direct = succeeded(runs);
      int queued = app.runtime().deadLetters().size();
      int replayed = replayDeadLetters(app);
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("breaker openings", app.stats().breakerOpenings());
      facts.put("runs parked at the peak", parkedAtPeak);
      facts.put("completed after the breaker half-opened", direct);
      facts.put("queued (dead letters), then replayed", queued);
      facts.put("dead letters left", app.runtime().deadLetters().size());
      return new Outcome("timeout", count, direct + replayed, count - direct - replayed, facts);
    } finally {
      app.runtime().close();
    }
  }

  /**
   * Complete failure: the ledger is down while the batch runs. Posting fails for good and the runs
   * wait in the dead-letter queue with their checkpoints; when the ledger is back every one is
   * replayed and completes without calling OCR again.
   */
  static Outcome completeFailure(Path dir, int count) throws Exception {
    AppOptions options = options();
    InvoiceApp app = app(dir, "outage", options);
    try {
      options.chaos().on(Ledger.class).outage(Duration.ofMinutes(5));
      List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs =
          submit(app, Batch.generate(FaultProfile.none(7), count));
      CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
      int duringOutage = succeeded(runs);
      int queued = app.runtime().deadLetters().size();
      options.chaos().clear(); // the ledger is back
      int ocrCallsBefore = options.chaos().on(OcrClient.class).calls();
      int replayed = replayDeadLetters(app);
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("completed while the ledger was down", duringOutage);
      facts.put("queued (dead letters)", queued);
      facts.put("completed on replay", replayed);
      facts.put(
          "OCR calls during the replay",
          options.chaos().on(OcrClient.class).calls() - ocrCallsBefore);
      facts.put("ledger entries booked", app.ledger().bookedEntries());
      return new Outcome(
          "outage", count, duringOutage + replayed, count - duringOutage - replayed, facts);
    } finally {
      app.runtime().close();
    }
  }

  /**
   * Saturation: ten times the admission limit arrives at once. The runtime admits up to its limit
   * and refuses the rest at once with OverloadedException; admitted runs complete, in-flight runs
   * never exceed the limit, and the refused ones are counted (a client would resubmit them).
   */
  static Outcome saturation(Path dir, int limit) throws Exception {
    AppOptions options = options().withMaxInFlightRuns(limit);
    InvoiceApp app = app(dir, "saturation", options);
    try {
      options.chaos().on(OcrClient.class).delay(Duration.ofMillis(50)); // slow enough to pile up
      List<InvoiceFile> burst = Batch.generate(FaultProfile.none(7), limit * 10);
      long heapBefore = usedHeap();
      long start = System.nanoTime();
      int rejected = 0;
      int maxInFlight = 0;
      List<CompletableFuture<WorkflowResult<AccountingEntry>>> admitted = new ArrayList<>();
      for (InvoiceFile file : burst) {
        CompletableFuture<WorkflowResult<AccountingEntry>> run =
            app.workflow().processAsync(file.id(), file).toCompletableFuture();
        maxInFlight = Math.max(maxInFlight, app.runtime().inFlightRuns());
        if (run.isCompletedExceptionally() && cause(run) instanceof OverloadedException) {
          rejected++;
        } else {
          admitted.add(run);
        }
      }
      CompletableFuture.allOf(admitted.toArray(new CompletableFuture<?>[0]))
          .get(2, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      int completed = succeeded(admitted);
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("arrived at once", burst.size());
      facts.put("admission limit", limit);
      facts.put("admitted", admitted.size());
      facts.put("refused at once (OverloadedException)", rejected);
      facts.put("most runs in flight", maxInFlight);
      facts.put("admitted completed per second", String.format("%.1f", completed / seconds));
      facts.put("heap growth (MB, indicative)", (usedHeap() - heapBefore) / (1024 * 1024));
      // Refused runs are not lost: they were never accepted, and the caller was told at once. Lost
      // is what was admitted and did not complete.
      return new Outcome("saturation", burst.size(), completed, admitted.size() - completed, facts);
    } finally {
      app.runtime().close();
    }
  }

  /**
   * Corrupted data: OCR returns impossible amounts for every tenth invoice. Validation rejects them
   * as bad input into the dead-letter queue, unretried; every other invoice completes.
   */
  static Outcome corruptedData(Path dir, int count) throws Exception {
    AppOptions options = options();
    InvoiceApp app = app(dir, "corrupt", options);
    try {
      options
          .chaos()
          .on(OcrClient.class)
          .corrupt(
              args -> ((InvoiceFile) args[0]).id().endsWith("0"),
              args -> {
                InvoiceFile f = (InvoiceFile) args[0];
                return new Object[] {
                  new InvoiceFile(
                      f.id(),
                      f.supplier(),
                      f.scanQuality(),
                      new BigDecimal("-1.00"),
                      f.poReference())
                };
              });
      List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs =
          submit(app, Batch.generate(FaultProfile.none(7), count));
      CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get(2, TimeUnit.MINUTES);
      int completed = succeeded(runs);
      long invalid =
          app.runtime().deadLetters().list().stream()
              .filter(d -> d.reason() == DeadLetterReason.INVALID_INPUT)
              .count();
      Map<String, Object> facts = new LinkedHashMap<>();
      facts.put("corrupted by the injection", count / 10);
      facts.put("dead letters INVALID_INPUT", invalid);
      facts.put("other dead letters", app.runtime().deadLetters().size() - invalid);
      return new Outcome("corrupt", count, completed, count - completed - (int) invalid, facts);
    } finally {
      app.runtime().close();
    }
  }

  private static Throwable cause(CompletableFuture<?> f) {
    try {
      f.join();
      return null;
    } catch (CompletionException e) {
      return e.getCause();
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
