package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.sample.invoice.model.AccountingEntry;
import dev.firebreak.sample.invoice.model.InvoiceFile;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the invoice case study: a seeded batch through the Firebreak workflow with the case study's
 * fault profile, then prints what happened. Usage: {@code [--invoices N] [--seed S]}.
 */
public final class Main {
  static final String USAGE =
      String.join(
          "\n",
          "usage: firebreak-sample [run] [--invoices N (1..100000, default 1000)] [--seed S (default 42)] [--db FILE]",
          "       firebreak-sample resume [--db FILE]          continue the runs a killed batch left unfinished",
          "       firebreak-sample serve [--port P (default 9464)] [--seconds S (default 300)] [--invoices N] [--db FILE]",
          "                                                    Prometheus metrics on 127.0.0.1 while a batch runs",
          "       firebreak-sample chaos timeout|outage|saturation|corrupt   the seed's chaos tests, time compressed",
          "       firebreak-sample runs [STATUS...] [--limit N (1..1000, default 20)] [--after CURSOR] [--db FILE]",
          "                                                    counts by status, then the runs, newest first",
          "       firebreak-sample runs show <invoice> [--db FILE]   one run: checkpoints, timeline, dead letter",
          "       firebreak-sample dlq list [--limit N] [--after CURSOR] [--db FILE]",
          "                                                    failed runs, newest first, with their dead letters",
          "       firebreak-sample dlq replay <invoice> [--db FILE]",
          "       firebreak-sample dlq discard <invoice> [--db FILE]",
          "       firebreak-sample console [--port P (default 9471)] [--seconds S] [--db FILE]",
          "                                                    the operator console on 127.0.0.1 for FILE's runs",
          "       firebreak-sample remote [--invoices N (default 300)] [--seed S]",
          "                                                    the OCR agent in worker processes behind Redis Streams;",
          "                                                    one worker SIGKILLed mid-batch, lost and duplicate effects counted",
          dev.firebreak.sample.triage.TriageCommand.USAGE,
          "FILE defaults to firebreak-sample.db in the working directory.");

  private Main() {}

  /** Bad arguments: the message, the usage, exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  public static void main(String[] args) {
    int code;
    try {
      code = execute(List.of(args), System.out);
    } catch (UsageException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      code = 2;
    }
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. */
  static int execute(List<String> args, PrintStream out) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(USAGE);
      return 0;
    }
    List<String> rest = new ArrayList<>(args);
    String command = rest.isEmpty() || rest.get(0).startsWith("--") ? "run" : rest.remove(0);
    if (command.equals("triage")) {
      try {
        return dev.firebreak.sample.triage.TriageCommand.execute(rest, out);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    Options o = Options.parse(rest);
    switch (command) {
      case "run":
        o.noPositional();
        FaultProfile faults = FaultProfile.caseStudy(o.seed);
        out.printf(
            "Firebreak invoice case study: %d invoices, seed %d, store %s (SQLite)%n",
            o.invoices, o.seed, o.database.toAbsolutePath());
        Comparison comparison = compare(faults, o.invoices, o.database, out);
        out.println();
        out.print(comparison.render());
        return 0;
      case "serve":
        o.noPositional();
        deleteStore(o.database, out);
        InvoiceApp app = InvoiceApp.create(FaultProfile.caseStudy(o.seed), o.database);
        try (MetricsServer server = serve(app, o.port)) {
          out.printf(
              "metrics on http://127.0.0.1:%d/metrics (Prometheus text; / says where);"
                  + " processing %d invoices%n",
              server.port(), o.invoices);
          out.print(run(app, FaultProfile.caseStudy(o.seed), o.invoices, out).render());
          out.printf("serving for %d s more (--seconds)%n", o.seconds);
          Thread.sleep(o.seconds * 1000L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          app.runtime().close();
        }
        return 0;
      case "chaos":
        if (o.positional.size() != 1) {
          throw new UsageException("chaos needs one scenario: " + ChaosScenarios.NAMES);
        }
        Path scratch = null;
        try {
          // Each scenario's store lives in a directory of its own, removed afterwards.
          scratch = Files.createTempDirectory("firebreak-chaos-");
          ChaosScenarios.Outcome outcome = ChaosScenarios.run(o.positional.get(0), scratch);
          out.print(outcome.render());
          return outcome.lost() == 0 ? 0 : 1;
        } catch (UsageException e) {
          throw e;
        } catch (Exception e) {
          out.println("chaos scenario failed: " + e);
          return 1;
        } finally {
          deleteTree(scratch);
        }
      case "resume":
        o.noPositional();
        return resume(o.database, out);
      case "runs":
        return RunsCommand.execute(o.positional, o.limit, o.after, o.database, out);
      case "dlq":
        if (o.positional.isEmpty()) {
          throw new UsageException("dlq needs list, replay or discard");
        }
        return DeadLettersCommand.execute(o.positional, o.limit, o.after, o.database, out);
      case "console":
        o.noPositional();
        return ConsoleCommand.execute(
            o.database,
            args.contains("--port") ? o.port : ConsoleCommand.DEFAULT_PORT,
            args.contains("--seconds") ? o.seconds : -1,
            out);
      case "remote":
        o.noPositional();
        return remote(args.contains("--invoices") ? o.invoices : 300, o.seed, out);
      case "worker":
        // Started by `remote`: worker <redis port> <directory> <name>
        if (o.positional.size() != 3) {
          throw new UsageException("worker needs a Redis port, a directory and a name");
        }
        try {
          return RemoteOcr.worker(
              Integer.parseInt(o.positional.get(0)),
              Path.of(o.positional.get(1)),
              o.positional.get(2));
        } catch (Exception e) {
          out.println("worker failed: " + e);
          return 1;
        }
      case "help":
        out.println(USAGE);
        return 0;
      default:
        throw new UsageException("unknown command " + command);
    }
  }

  /** The case study with remote OCR workers, in a directory of its own, removed afterwards. */
  private static int remote(int invoices, long seed, PrintStream out) {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("firebreak-remote-");
      RemoteOcr.Outcome outcome = RemoteOcr.demo(invoices, seed, scratch, out);
      out.print(outcome.render());
      return outcome.lost() == 0 && outcome.failed() == 0 ? 0 : 1;
    } catch (Exception e) {
      out.println("remote demo failed: " + e);
      return 1;
    } finally {
      deleteTree(scratch);
    }
  }

  /** The options every command shares. */
  private static final class Options {
    int invoices = 1000;
    long seed = 42;
    Path database = Path.of("firebreak-sample.db");
    int port = 9464;
    int seconds = 300;
    int limit = 20;
    String after;
    final List<String> positional = new ArrayList<>();

    static Options parse(List<String> args) {
      Options o = new Options();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        switch (a) {
          case "--invoices":
            o.invoices = number(args, ++i, a);
            if (o.invoices < 1 || o.invoices > 100_000) {
              throw new UsageException("--invoices must be within 1..100000");
            }
            break;
          case "--seed":
            o.seed = number(args, ++i, a);
            break;
          case "--db":
            o.database = Path.of(value(args, ++i, a));
            break;
          case "--port":
            o.port = number(args, ++i, a);
            if (o.port < 0 || o.port > 65535) {
              throw new UsageException("--port must be within 0..65535");
            }
            break;
          case "--limit":
            o.limit = number(args, ++i, a);
            if (o.limit < 1 || o.limit > 1000) {
              throw new UsageException("--limit must be within 1..1000");
            }
            break;
          case "--after":
            o.after = value(args, ++i, a);
            break;
          case "--seconds":
            o.seconds = number(args, ++i, a);
            if (o.seconds < 0) {
              throw new UsageException("--seconds must not be negative");
            }
            break;
          default:
            if (a.startsWith("--")) {
              throw new UsageException("unknown option " + a);
            }
            o.positional.add(a);
        }
      }
      return o;
    }

    void noPositional() {
      if (!positional.isEmpty()) {
        throw new UsageException("unexpected argument " + positional.get(0));
      }
    }

    private static String value(List<String> args, int i, String option) {
      if (i >= args.size()) {
        throw new UsageException("missing value after " + option);
      }
      return args.get(i);
    }

    private static int number(List<String> args, int i, String option) {
      String v = value(args, i, option);
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new UsageException(option + " needs a number, not " + v);
      }
    }
  }

  /** The batch through plain calls, then through Firebreak, on the same faults. */
  static Comparison compare(FaultProfile faults, int count, Path database, PrintStream progress) {
    List<InvoiceFile> batch = Batch.generate(faults, count);
    PlainPipeline.Report plain;
    try {
      if (progress != null) {
        progress.println("1/2 plain calls, no patterns ...");
      }
      plain = PlainPipeline.run(InvoiceApp.create(faults, database), batch, 64);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    if (progress != null) {
      progress.println("2/2 Firebreak ...");
    }
    BatchReport firebreak = run(faults, count, database, progress);
    return new Comparison(plain, firebreak);
  }

  private static int resume(Path database, PrintStream out) {
    InvoiceApp app = InvoiceApp.create(FaultProfile.none(0), database);
    try {
      app.workflow(); // binds the workflow, so that its runs can be resumed
      List<CompletableFuture<WorkflowResult<Object>>> runs = app.runtime().resumeAll();
      int completed = 0;
      for (CompletableFuture<WorkflowResult<Object>> run : runs) {
        if (await(run).isSuccess()) {
          completed++;
        }
      }
      out.printf(
          "resumed %d unfinished runs: %d completed, %d failed (see dlq list)%n",
          runs.size(), completed, runs.size() - completed);
      return 0;
    } finally {
      app.runtime().close();
    }
  }

  /**
   * Processes a batch and reports on it; prints a progress bar to {@code progress} if not null. The
   * batch starts from an empty store in {@code database}: invoice numbers are the run ids, and a
   * store that already knew them would (rightly) return their earlier results.
   */
  public static BatchReport run(
      FaultProfile faults, int count, Path database, PrintStream progress) {
    deleteStore(database, progress);
    InvoiceApp app = InvoiceApp.create(faults, database);
    try {
      return run(app, faults, count, progress);
    } finally {
      app.runtime().close();
    }
  }

  /** Processes a batch on {@code app}, which stays open. */
  static BatchReport run(InvoiceApp app, FaultProfile faults, int count, PrintStream progress) {
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
    app.runtime()
        .deadLetters()
        .list()
        .forEach(d -> deadLetters.merge(d.reason().name(), 1, Integer::sum));
    return BatchReport.of(results, deadLetters, elapsed, app.stats());
  }

  /**
   * Serves the app's metrics as Prometheus text on 127.0.0.1:{@code port} (0: any free port) while
   * it processes a batch; the caller stops the returned server.
   */
  static MetricsServer serve(InvoiceApp app, int port) {
    return MetricsServer.start(app.metricsRegistry(), port);
  }

  /** Empties the store in {@code database} for a batch, saying so on {@code out} if it held one. */
  private static void deleteStore(Path database, PrintStream out) {
    boolean existed = Files.exists(database);
    try {
      for (String suffix : new String[] {"", "-wal", "-shm"}) {
        Files.deleteIfExists(Path.of(database + suffix));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reset the store " + database, e);
    }
    if (existed && out != null) {
      out.printf(
          "starting from an empty store: replaced %s (invoice numbers are run ids; --db FILE keeps"
              + " another)%n",
          database.toAbsolutePath());
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }

  static <T> WorkflowResult<T> await(CompletableFuture<WorkflowResult<T>> run) {
    try {
      // Far above the workflow's 30 s deadline: a run that is still going then is a bug to report.
      return run.get(5, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a run", e);
    } catch (TimeoutException | ExecutionException | CancellationException e) {
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
