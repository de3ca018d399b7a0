package dev.firebreak.sample.invoice;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.graph.DeclaringMethod;
import dev.firebreak.sample.invoice.services.FaultProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dlq list [--limit N] [--after CURSOR]}: the failed runs, newest first, a page at a time
 * through the runtime's runs API, each with its dead letter (or why it has none); {@code dlq replay
 * <invoice>} and {@code dlq discard <invoice>}: one letter's run replayed, or the letter dropped.
 */
final class DeadLettersCommand {
  private DeadLettersCommand() {}

  static int execute(List<String> args, int limit, String after, Path database, PrintStream out) {
    InvoiceApp app = InvoiceApp.create(FaultProfile.none(0), database);
    try {
      DeadLetterQueue queue = app.runtime().deadLetters();
      switch (args.get(0)) {
        case "list":
          if (args.size() != 1) {
            throw new Main.UsageException("dlq list takes no argument");
          }
          return list(app, queue, limit, after, database, out);
        case "discard":
          String discarded = invoice(args);
          if (!queue.discard(discarded)) {
            out.printf("no dead letter for %s%n", discarded);
            return 1;
          }
          out.printf("discarded %s%n", discarded);
          return 0;
        case "replay":
          String id = invoice(args);
          app.workflow(); // binds the workflow, so that the run can be replayed
          WorkflowResult<Object> result =
              Main.await(app.runtime().replay(id).toCompletableFuture());
          out.printf(
              "replayed %s: %s%s%n",
              id,
              result.status(),
              result.failure() == null
                  ? ""
                  : " at step "
                      + result.failedStep()
                      + ": "
                      + DeadLetter.chainOf(result.failure()).get(0));
          return result.isSuccess() ? 0 : 1;
        default:
          throw new Main.UsageException("unknown dlq command " + args.get(0));
      }
    } finally {
      app.runtime().close();
    }
  }

  /**
   * How many letters the queue holds and how many runs failed; then a page of the failed runs, each
   * with its letter's reason, step, attempts and error, or why it has none.
   */
  private static int list(
      InvoiceApp app,
      DeadLetterQueue queue,
      int limit,
      String after,
      Path database,
      PrintStream out) {
    RunQuery query =
        RunQuery.all()
            .status(WorkflowStatus.FAILED, WorkflowStatus.COMPENSATION_FAILED)
            .limit(limit);
    if (after != null) {
      try {
        query = query.after(after);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException(e.getMessage());
      }
    }
    Map<WorkflowStatus, Long> counts = app.runtime().runs().countByStatus();
    out.printf(
        "%d dead letters; failed runs: FAILED %d, COMPENSATION_FAILED %d%n",
        queue.size(),
        counts.get(WorkflowStatus.FAILED),
        counts.get(WorkflowStatus.COMPENSATION_FAILED));
    RunPage page = app.runtime().runs().list(query);
    for (RunSummary run : page.runs()) {
      Optional<DeadLetter> letter = queue.find(run.runId());
      if (letter.isEmpty()) {
        out.printf(
            "%-12s %-20s no dead letter (discarded, or the run was cancelled)%n",
            run.runId(), run.status());
        continue;
      }
      DeadLetter d = letter.get();
      out.printf(
          "%-12s %-20s step %-36s attempts %d  %s%n",
          d.runId(),
          d.reason(),
          d.step() + DeclaringMethod.inParentheses(d.declaredBy()),
          d.attempts(),
          d.errorChain().isEmpty() ? "" : d.errorChain().get(0));
    }
    if (page.hasNext()) {
      out.printf(
          "more: dlq list --limit %d --db %s --after %s%n", limit, database, page.nextCursor());
    }
    return 0;
  }

  private static String invoice(List<String> args) {
    if (args.size() != 2) {
      throw new Main.UsageException("dlq " + args.get(0) + " takes one invoice id");
    }
    return args.get(1);
  }
}
