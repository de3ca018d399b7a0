package dev.firebreak.runtime.console;

import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterPage;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pages of dead letters: from the queue's index for a console of every workflow; for a console of
 * one workflow, from that workflow's failed runs (the runs API's index by workflow), each with its
 * letter, so that no page, cursor or count shows another workflow's runs.
 */
final class Letters {
  private final FirebreakRuntime runtime;
  private final String workflow;

  Letters(FirebreakRuntime runtime, String workflow) {
    this.runtime = runtime;
    this.workflow = workflow;
  }

  /**
   * A page of letters, newest first, of {@code reason} (null: all), after {@code after}.
   *
   * @throws IllegalArgumentException on a bad cursor
   */
  DeadLetterPage page(DeadLetterReason reason, int limit, String after) {
    if (workflow == null) {
      return runtime.deadLetters().page(reason, limit, after);
    }
    RunQuery query =
        RunQuery.all()
            .workflow(workflow)
            .status(WorkflowStatus.FAILED, WorkflowStatus.COMPENSATION_FAILED)
            .limit(limit);
    if (after != null) {
      query = query.after(after);
    }
    RunPage runs = runtime.runs().list(query);
    List<DeadLetter> letters = new ArrayList<>();
    for (RunSummary run : runs.runs()) {
      Optional<DeadLetter> letter = runtime.deadLetters().find(run.runId());
      // A page of one workflow's failed runs, each with its letter; with a reason, only its
      // letters: such a page may hold fewer than the limit, its cursor still goes on.
      if (letter.isPresent()
          && workflow.equals(letter.get().workflow())
          && (reason == null || letter.get().reason() == reason)) {
        letters.add(letter.get());
      }
    }
    return new DeadLetterPage(letters, runs.nextCursor());
  }
}
