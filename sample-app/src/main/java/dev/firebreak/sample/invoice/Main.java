package dev.firebreak.sample.invoice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the invoice case study: a seeded batch through the Firebreak workflow with the case study's
 * fault profile, then prints what happened. Usage: {@code [--invoices N] [--seed S]}.
 */
public final class Main {
  static final String USAGE =
      "usage: firebreak-sample [--invoices N (1..100000, default 500)] [--seed S (default 42)]"
          + " [--db FILE (default firebreak-sample.db)]";

  private Main() {}

  public static void main(String[] args) {
    int invoices = 500;
    long seed = 42;
    Path database = Path.of("firebreak-sample.db");
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--invoices":
            invoices = Integer.parseInt(args[++i]);
            if (invoices < 1 || invoices > 100_000) {
              throw new IllegalArgumentException("--invoices must be within 1..100000");
            }
            break;
          case "--seed":
            seed = Long.parseLong(args[++i]);
            break;
          case "--db":
            database = Path.of(args[++i]);
            break;
          case "--help":
            System.out.println(USAGE);
            return;
          default:
            throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
    } catch (RuntimeException e) {
      System.err.println(e instanceof ArrayIndexOutOfBoundsException ? "missing value after " + args[args.length - 1] : e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
    }
    FaultProfile faults = FaultProfile.caseStudy(seed);
    System.out.printf(
        "Firebreak invoice case study: %d invoices, seed %d, store %s (SQLite)%n", invoices, seed, database.toAbsolutePath());
    BatchReport report = run(faults, invoices, database, System.out);
    System.out.println();
    System.out.print(report.render());
    System.exit(0);
  }

  /**
   * Processes a batch and reports on it; prints a progress bar to {@code progress} if not null.
   * The batch starts from an empty store in {@code database}: invoice numbers are the run ids, and
   * a store that already knew them would (rightly) return their earlier results.
   */
  public static BatchReport run(FaultProfile faults, int count, Path database, PrintStream progress) {
    deleteStore(database);
    InvoiceApp app = InvoiceApp.create(faults, database);
    try {
      List<InvoiceFile> batch = Batch.generate(faults, count);
      long start = System.nanoTime();
      List<CompletableFuture<WorkflowResult<AccountingEntry>>> runs = new ArrayList<>(count);
      for (InvoiceFile file : batch) {
        runs.add(app.workflow().processAsync(file.id(), file).toCompletableFuture());
      }
      List<WorkflowResult<AccountingEntry>> results = new ArrayList<>(count);
      for (CompletableFuture<WorkflowResult<AccountingEntry>> run : runs) {
        results.add(await(run));
        if (progress != null) {
          progressBar(progress, results.size(), count);
        }
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      Map<String, Integer> deadLetters = new TreeMap<>();
      app.runtime().deadLetters().list().forEach(d -> deadLetters.merge(d.reason().name(), 1, Integer::sum));
      return BatchReport.of(results, deadLetters, elapsed);
    } finally {
      app.runtime().close();
    }
  }

  private static void deleteStore(Path database) {
    try {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(database + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the store " + database, e);
    }
  }

  private static WorkflowResult<AccountingEntry> await(CompletableFuture<WorkflowResult<AccountingEntry>> run) {
    try {
      // Far above the workflow's 30 s deadline: a run that is still going then is a bug to report.
      return run.get(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a run", e);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a run did not end: " + e, e);
    }
  }

  private static void progressBar(PrintStream out, int done, int total) {
    int width = 40;
    if (done != total && done % Math.max(1, total / 100) != 0) {
      return;
    }
    int filled = (int) ((long) width * done / total);
    out.printf("\r[%s%s] %d/%d", "#".repeat(filled), " ".repeat(width - filled), done, total);
    if (done == total) {
      out.println();
    }
  }
}
