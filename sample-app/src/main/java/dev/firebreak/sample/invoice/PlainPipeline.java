package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.StepContext;
import dev.firebreak.sample.invoice.model.ExtractedInvoice;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.model.PoMatch;
import dev.firebreak.sample.invoice.model.TaxRegion;
import dev.firebreak.sample.invoice.model.ValidatedAmounts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The baseline: the same agents on the same simulated services, called one after the other without
 * the patterns — no retry, no timeout, no breaker, no fallback, no checkpoint. The first exception
 * loses the invoice; nobody is told why, beyond a count here.
 */
final class PlainPipeline {
  /** What the baseline produced. */
  record Report(
      int invoices,
      int succeeded,
      int pendingReview,
      Map<String, Integer> failuresByStep,
      Duration elapsed) {}

  private PlainPipeline() {}

  static Report run(InvoiceApp app, List<InvoiceFile> batch, int threads)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<String, Integer> failures = new TreeMap<>();
    int succeeded = 0;
    int review = 0;
    long start = System.nanoTime();
    try {
      List<Future<String>> outcomes = new ArrayList<>(batch.size());
      for (InvoiceFile file : batch) {
        outcomes.add(pool.submit(() -> process(app, file)));
      }
      for (Future<String> f : outcomes) {
        String outcome;
        try {
          outcome = f.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
          outcome = "failed:unknown";
        }
        if (outcome.startsWith("failed:")) {
          failures.merge(outcome.substring("failed:".length()), 1, Integer::sum);
        } else {
          succeeded++;
          if (outcome.equals("review")) {
            review++;
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return new Report(
        batch.size(), succeeded, review, failures, Duration.ofNanos(System.nanoTime() - start));
  }

  private static String process(InvoiceApp app, InvoiceFile file) {
    String step = "extract";
    try {
      ExtractedInvoice invoice = app.ocrAgent().extract(file);
      step = "validate";
      ValidatedAmounts amounts = app.validationAgent().validate(invoice);
      step = "taxRegion";
      TaxRegion region = app.validationAgent().taxRegion(invoice);
      step = "match";
      PoMatch match = app.matchingAgent().match(invoice, amounts);
      step = "post";
      app.accountingAgent()
          .post(invoice, amounts, match, region, new PlainContext(file.id(), "post"));
      return match.exact() ? "ok" : "review";
    } catch (Exception e) {
      return "failed:" + step;
    }
  }

  /** The agents take a StepContext; here only its idempotency key matters. */
  private record PlainContext(String runId, String stepName) implements StepContext {
    @Override
    public String workflow() {
      return "plain";
    }

    @Override
    public int attempt() {
      return 1;
    }

    @Override
    public Optional<Instant> deadline() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> remaining() {
      return Optional.empty();
    }
  }
}
