package dev.firebreak.runtime.store;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.TimelineEntry;
import dev.firebreak.runtime.WorkflowStatus;
import dev.firebreak.runtime.internal.TimelineJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Keeps runs in this process's memory: for tests and for workflows whose runs may be lost with the
 * process. Outputs are still stored encoded, so codecs are exercised exactly as with a durable
 * store.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
  private final InMemoryBreakerBoard breakers = new InMemoryBreakerBoard();
  private final InMemoryKeyValues keyValues = new InMemoryKeyValues();

  private final ConcurrentHashMap<String, RunRecord> runs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> order = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final ConcurrentHashMap<String, Instant> endedAt = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Instant> createdAt = new ConcurrentHashMap<>();

  /** Each run's notes: its timeline so far, steps retrying now, the breaker it is parked on. */
  private final ConcurrentHashMap<String, Notes> notes = new ConcurrentHashMap<>();

  private record Notes(List<TimelineEntry> timeline, int retrying, String parkedOn) {
    static final Notes NONE = new Notes(List.of(), 0, null);

    Notes then(RunNotes more, boolean ended) {
      List<TimelineEntry> all = timeline;
      if (!more.timeline().isEmpty()) {
        all = new ArrayList<>(timeline);
        all.addAll(more.timeline());
      }
      return new Notes(all, ended ? 0 : more.retrying(), ended ? null : more.parkedOn());
    }
  }

  private final Supplier<Instant> clock;

  private final boolean forgetFinished;

  /** A store that timestamps the end of runs with the system clock. */
  public InMemoryCheckpointStore() {
    this(Instant::now);
  }

  /** A store that timestamps the end of runs with {@code clock} (for retention tests). */
  public InMemoryCheckpointStore(Supplier<Instant> clock) {
    this(clock, false);
  }

  private InMemoryCheckpointStore(Supplier<Instant> clock, boolean forgetFinished) {
    this.clock = clock;
    this.forgetFinished = forgetFinished;
  }

  /**
   * A store that keeps only runs in flight and drops a run as soon as it ends: constant memory for
   * a process that runs workflows without caring about their history (and a second call with an
   * ended run's id runs it again, since nothing remembers it).
   */
  public static InMemoryCheckpointStore forgettingFinished() {
    return new InMemoryCheckpointStore(Instant::now, true);
  }

  @Override
  public RunRecord open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    RunIds.check(runId);
    byte[] stored = inputs == null ? null : inputs.clone();
    return runs.computeIfAbsent(
        runId,
        id -> {
          order.put(id, sequence.incrementAndGet());
          // Whole milliseconds, as the cursor of a page holds them.
          createdAt.put(id, clock.get().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
          return new RunRecord(
              id,
              workflow,
              entryPoint,
              graphHash,
              WorkflowStatus.RUNNING,
              Map.of(),
              Map.of(),
              stored,
              null);
        });
  }

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    byte[] copy = output.clone();
    update(
        runId,
        r -> {
          if (r.outputs().containsKey(step)) {
            throw new IllegalStateException(
                "step '" + step + "' of run " + runId + " is already recorded");
          }
          Map<String, byte[]> outputs = new LinkedHashMap<>(r.outputs());
          outputs.put(step, copy);
          Map<String, Integer> tries = new LinkedHashMap<>(r.attempts());
          tries.put(step, attempts);
          return with(r, r.status(), outputs, tries, r.output());
        });
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    update(
        runId,
        r -> {
          Map<String, Integer> tries = new LinkedHashMap<>(r.attempts());
          tries.put(step, attempts);
          return with(r, r.status(), r.outputs(), tries, r.output());
        });
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts, RunNotes notes) {
    saveAttempt(runId, step, attempts);
    note(runId, notes, false);
  }

  @Override
  public void saveNotes(String runId, RunNotes notes) {
    update(runId, r -> r);
    note(runId, notes, false);
  }

  /**
   * Adds {@code more} to the notes of the run, if it is still here (a purge may have removed it
   * since its record changed).
   */
  private void note(String runId, RunNotes more, boolean ended) {
    notes.compute(
        runId,
        (id, n) -> runs.containsKey(id) ? (n == null ? Notes.NONE : n).then(more, ended) : null);
  }

  @Override
  public String timeline(String runId) {
    return TimelineJson.encode(notes.getOrDefault(RunIds.check(runId), Notes.NONE).timeline());
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    update(
        runId,
        r -> {
          Map<String, byte[]> outputs = new LinkedHashMap<>(r.outputs());
          Map<String, Integer> tries = new LinkedHashMap<>(r.attempts());
          outputs.keySet().removeAll(steps);
          tries.keySet().removeAll(steps);
          return with(r, r.status(), outputs, tries, r.output());
        });
  }

  @Override
  public int purgeFinished(Instant before) {
    int purged = 0;
    for (RunRecord r : List.copyOf(runs.values())) {
      Instant ended = endedAt.get(r.runId());
      if (r.status().isTerminal()
          && ended != null
          && ended.isBefore(before)
          && runs.remove(r.runId(), r)) {
        endedAt.remove(r.runId());
        order.remove(r.runId());
        createdAt.remove(r.runId());
        notes.remove(r.runId());
        purged++;
      }
    }
    return purged;
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    saveStatus(runId, status, RunNotes.NONE);
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status, RunNotes notes) {
    if (forgetFinished && status.isTerminal()) {
      forget(runId);
      return;
    }
    update(runId, r -> with(r, status, r.outputs(), r.attempts(), r.output()));
    note(runId, notes, status.isTerminal());
    if (status.isTerminal()) {
      endedAt.put(runId, clock.get());
    }
  }

  @Override
  public void end(String runId, RunEnd end) {
    CheckpointStore.super.end(runId, end);
    if (!forgetFinished) {
      note(runId, end.notes(), true);
    }
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    if (forgetFinished) {
      forget(runId);
      return;
    }
    byte[] copy = output == null ? null : output.clone();
    update(runId, r -> with(r, status, r.outputs(), r.attempts(), copy));
    endedAt.put(runId, clock.get());
  }

  @Override
  public RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps) {
    RunIds.check(runId);
    if (!expected.isFailure()) {
      throw new IllegalArgumentException(
          "only a failed run can be reopened, not a " + expected + " one");
    }
    RunRecord reopened =
        runs.computeIfPresent(
            runId,
            (id, r) -> {
              if (r.status() != expected) {
                throw new IllegalStateException(
                    "run "
                        + id
                        + " is "
                        + r.status()
                        + ", not "
                        + expected
                        + " as read: not reopened");
              }
              Map<String, byte[]> outputs = new LinkedHashMap<>(r.outputs());
              Map<String, Integer> tries = new LinkedHashMap<>(r.attempts());
              outputs.keySet().removeAll(resetSteps);
              tries.keySet().removeAll(resetSteps);
              return with(r, WorkflowStatus.RUNNING, outputs, tries, r.output());
            });
    if (reopened == null) {
      throw new NoSuchElementException("no run " + runId + " in this store");
    }
    endedAt.remove(runId);
    return reopened;
  }

  /** {@code r} with another status, outputs, attempts and output; the rest as it was. */
  private static RunRecord with(
      RunRecord r,
      WorkflowStatus status,
      Map<String, byte[]> outputs,
      Map<String, Integer> attempts,
      byte[] output) {
    return new RunRecord(
        r.runId(),
        r.workflow(),
        r.entryPoint(),
        r.graphHash(),
        status,
        outputs,
        attempts,
        r.inputs(),
        output);
  }

  /**
   * The run ends and is dropped at once. A forgetting store holds no ended run, so there is none
   * whose record this could change.
   */
  private void forget(String runId) {
    if (runs.remove(RunIds.check(runId)) == null) {
      throw new NoSuchElementException("no run " + runId + " in this store");
    }
    order.remove(runId);
    createdAt.remove(runId);
    notes.remove(runId);
  }

  /** Applies {@code change} to the unfinished run {@code runId}; an ended run is refused. */
  private void update(String runId, UnaryOperator<RunRecord> change) {
    RunIds.check(runId);
    RunRecord changed =
        runs.computeIfPresent(
            runId,
            (id, r) -> {
              if (r.status().isTerminal()) {
                throw new IllegalStateException(
                    "run "
                        + id
                        + " already ended "
                        + r.status()
                        + ": its record no longer changes");
              }
              return change.apply(r);
            });
    if (changed == null) {
      throw new NoSuchElementException("no run " + runId + " in this store");
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    return Optional.ofNullable(runs.get(RunIds.check(runId)));
  }

  @Override
  public List<RunRecord> unfinished() {
    List<RunRecord> open = new ArrayList<>();
    for (RunRecord r : runs.values()) {
      if (!r.status().isTerminal()) {
        open.add(r);
      }
    }
    open.sort(Comparator.comparing(r -> order.getOrDefault(r.runId(), 0L)));
    return open;
  }

  /** False: nothing here survives the process, so runs' inputs are not stored for a resume. */
  @Override
  public boolean isDurable() {
    return false;
  }

  /** Scans every run: this store is for tests and small workloads. */
  @Override
  public RunPage listRuns(RunQuery query) {
    RunQuery.Cursor after = query.after() == null ? null : RunQuery.Cursor.decode(query.after());
    Comparator<RunSummary> newestFirst =
        Comparator.comparing(RunSummary::createdAt).thenComparing(RunSummary::runId).reversed();
    List<RunSummary> found = new ArrayList<>();
    for (RunRecord r : runs.values()) {
      Instant created = createdAt.get(r.runId());
      Notes n = notes.getOrDefault(r.runId(), Notes.NONE);
      if (created != null
          && (!query.retryingNow() || n.retrying() > 0)
          && (query.parkedOn() == null || query.parkedOn().equals(n.parkedOn()))
          && selects(query, r, created, after)) {
        found.add(summary(r, created, query.data()));
      }
    }
    found.sort(newestFirst);
    return RunPage.of(found.subList(0, Math.min(found.size(), query.limit() + 1)), query.limit());
  }

  @Override
  public Optional<RunSummary> summary(String runId, boolean data) {
    RunRecord r = runs.get(RunIds.check(runId));
    Instant created = createdAt.get(runId);
    return r == null || created == null ? Optional.empty() : Optional.of(summary(r, created, data));
  }

  private RunSummary summary(RunRecord r, Instant created, boolean data) {
    Notes n = notes.getOrDefault(r.runId(), Notes.NONE);
    return new RunSummary(
        r.runId(),
        r.workflow(),
        r.entryPoint(),
        r.status(),
        created,
        endedAt.get(r.runId()),
        null,
        n.retrying(),
        n.parkedOn(),
        data ? r.inputs() : null,
        data ? r.output() : null);
  }

  private static boolean selects(
      RunQuery query, RunRecord r, Instant created, RunQuery.Cursor after) {
    long millis = created.toEpochMilli();
    return (query.statuses().isEmpty() || query.statuses().contains(r.status()))
        && (query.workflow() == null || query.workflow().equals(r.workflow()))
        && (query.entryPoint() == null || query.entryPoint().equals(r.entryPoint()))
        && (query.createdFrom() == null || millis >= query.createdFrom().toEpochMilli())
        && (query.createdBefore() == null || millis < query.createdBefore().toEpochMilli())
        && (after == null
            || millis < after.createdAt()
            || (millis == after.createdAt() && r.runId().compareTo(after.runId()) < 0));
  }

  @Override
  public Map<WorkflowStatus, Long> countRuns() {
    Map<WorkflowStatus, Long> counts = new EnumMap<>(WorkflowStatus.class);
    for (RunRecord r : runs.values()) {
      counts.merge(r.status(), 1L, Long::sum);
    }
    return counts;
  }

  /** Breaker records in memory: shared by the runtimes of this process that use this store. */
  @Override
  public Optional<BreakerBoard> breakerBoard() {
    return Optional.of(breakers);
  }

  /** Values by key in memory, lost with the process as the runs are. */
  @Override
  public Optional<KeyValues> keyValues() {
    return Optional.of(keyValues);
  }

  /** How many runs this store holds, finished or not. */
  public int size() {
    return runs.size();
  }
}
