package dev.firebreak.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One run as an operator reads it: where it stands ({@link RunSummary}: status, times, owner), the
 * checkpoints it holds, the attempts its steps took, its timeline, and its dead letter if it failed
 * for good. Read from the store in a few reads: a run in flight may have moved on between them.
 *
 * @param checkpoints the steps whose output is checkpointed, in completion order
 * @param attempts attempts made so far, by step: for checkpointed steps, and for steps attempted
 *     but not yet checkpointed
 * @param timeline what happened to its steps, oldest first: each attempt with its time, duration,
 *     outcome and error chain, degradations, parking, compensations. Complete once the run ended;
 *     while it runs, what its retries and parking wrote so far
 * @param outputs each checkpoint's stored output, only when asked for; see {@link #outputJson}
 * @param deadLetter why it failed for good (reason, step, attempts, error chain); null if it did
 *     not
 */
public record RunDetails(
    RunSummary run,
    List<String> checkpoints,
    Map<String, Integer> attempts,
    List<TimelineEntry> timeline,
    Map<String, byte[]> outputs,
    DeadLetter deadLetter) {
  public RunDetails {
    Objects.requireNonNull(run, "run");
    checkpoints = List.copyOf(checkpoints);
    attempts = Collections.unmodifiableMap(new LinkedHashMap<>(attempts));
    timeline = List.copyOf(timeline);
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
  }

  /** Run {@code record} as read, with its dead letter; outputs only if {@code data}. */
  static RunDetails of(
      RunSummary run,
      RunRecord record,
      List<TimelineEntry> timeline,
      DeadLetter deadLetter,
      boolean data) {
    return new RunDetails(
        run,
        new ArrayList<>(record.outputs().keySet()),
        record.attempts(),
        timeline,
        data ? record.outputs() : Map.of(),
        deadLetter);
  }

  /** The checkpointed output of {@code step} as JSON text, if outputs were asked for. */
  public Optional<String> outputJson(String step) {
    return dev.firebreak.runtime.codec.Codecs.jsonText(outputs.get(step));
  }

  /** The timeline's entries for {@code step}, oldest first. */
  public List<TimelineEntry> timeline(String step) {
    return timeline.stream().filter(e -> e.step().equals(step)).toList();
  }

  /** The steps that degraded: to their fallback's output or their default. */
  public List<TimelineEntry> degradations() {
    return timeline.stream().filter(e -> e.kind() == TimelineEntry.Kind.DEGRADED).toList();
  }

  /** The steps' undos, succeeded or failed. */
  public List<TimelineEntry> compensations() {
    return timeline.stream()
        .filter(
            e ->
                e.kind() == TimelineEntry.Kind.COMPENSATED
                    || e.kind() == TimelineEntry.Kind.COMPENSATION_FAILED)
        .toList();
  }

  public Optional<DeadLetter> deadLetterIfAny() {
    return Optional.ofNullable(deadLetter);
  }

  /**
   * What a person needs: the run, its checkpoints and attempts, its timeline one entry a line, why
   * it failed; never bytes.
   */
  @Override
  public String toString() {
    List<String> steps = new ArrayList<>();
    for (String step : checkpoints) {
      steps.add(step + " (" + attempts.getOrDefault(step, 1) + " attempts)");
    }
    List<String> waiting = new ArrayList<>();
    attempts.forEach(
        (step, n) -> {
          if (!checkpoints.contains(step)) {
            waiting.add(step + " (" + n + " attempts, no checkpoint)");
          }
        });
    return "RunDetails["
        + run
        + ", checkpoints="
        + steps
        + (waiting.isEmpty() ? "" : ", attempted=" + waiting)
        + (timeline.isEmpty()
            ? ""
            : ", timeline=[\n  "
                + String.join("\n  ", timeline.stream().map(TimelineEntry::toString).toList())
                + "\n]")
        + (deadLetter == null
            ? ""
            : ", deadLetter="
                + deadLetter.reason()
                + " at step "
                + deadLetter.step()
                + " after "
                + deadLetter.attempts()
                + " attempts: "
                + (deadLetter.errorChain().isEmpty() ? "" : deadLetter.errorChain().get(0)))
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RunDetails d
        && run.equals(d.run)
        && checkpoints.equals(d.checkpoints)
        && attempts.equals(d.attempts)
        && timeline.equals(d.timeline)
        && Objects.equals(deadLetter, d.deadLetter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(run, checkpoints, attempts);
  }
}
