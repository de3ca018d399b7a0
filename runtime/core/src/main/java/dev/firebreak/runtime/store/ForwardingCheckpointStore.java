package dev.firebreak.runtime.store;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A store that forwards every call to another: extend it and override the calls you watch (to time
 * writes, count them, or fail them in a test), and the store keeps every promise of the one it
 * wraps, nodes and leases included. Each call goes straight to the wrapped store: the runtime ends
 * a run through {@link #end} and writes a retry's attempt, parking and notes through the {@link
 * RunNotes}-taking {@code saveAttempt}, {@code saveStatus} and {@code saveNotes}, so a subclass
 * that watches those writes overrides these, not {@code finish}, {@code fail} or the shorter forms.
 */
public abstract class ForwardingCheckpointStore implements CheckpointStore {
  /** The store every call goes to. */
  protected final CheckpointStore delegate;

  protected ForwardingCheckpointStore(CheckpointStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public RunRecord open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    return delegate.open(runId, workflow, entryPoint, graphHash, inputs);
  }

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    delegate.saveStep(runId, step, output, attempts);
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    delegate.saveAttempt(runId, step, attempts);
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts, RunNotes notes) {
    delegate.saveAttempt(runId, step, attempts, notes);
  }

  @Override
  public void saveNotes(String runId, RunNotes notes) {
    delegate.saveNotes(runId, notes);
  }

  @Override
  public String timeline(String runId) {
    return delegate.timeline(runId);
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status, RunNotes notes) {
    delegate.saveStatus(runId, status, notes);
  }

  @Override
  public void end(String runId, RunEnd end) {
    delegate.end(runId, end);
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    delegate.resetSteps(runId, steps);
  }

  @Override
  public int purgeFinished(Instant before) {
    return delegate.purgeFinished(before);
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    delegate.saveStatus(runId, status);
  }

  @Override
  public void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    delegate.fail(runId, status, letter);
  }

  @Override
  public RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps) {
    return delegate.reopen(runId, expected, resetSteps);
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    delegate.finish(runId, status, output);
  }

  @Override
  public void finish(
      String runId,
      WorkflowStatus status,
      byte[] output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts) {
    delegate.finish(runId, status, output, lastStep, lastStepOutput, lastStepAttempts);
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    return delegate.find(runId);
  }

  @Override
  public List<RunRecord> unfinished() {
    return delegate.unfinished();
  }

  @Override
  public List<RunRecord> claim(List<RunRecord> runs) {
    return delegate.claim(runs);
  }

  @Override
  public boolean isDurable() {
    return delegate.isDurable();
  }

  @Override
  public Duration leaseDuration() {
    return delegate.leaseDuration();
  }

  @Override
  public String nodeId() {
    return delegate.nodeId();
  }

  @Override
  public boolean heartbeat() {
    return delegate.heartbeat();
  }

  @Override
  public Set<String> confirm(Collection<String> runIds) {
    return delegate.confirm(runIds);
  }

  @Override
  public List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    return delegate.takeOver(entryPoints, max);
  }

  @Override
  public void leave() {
    delegate.leave();
  }

  @Override
  public Optional<DeadLetterQueue> deadLetterQueue() {
    return delegate.deadLetterQueue();
  }

  @Override
  public RunPage listRuns(RunQuery query) {
    return delegate.listRuns(query);
  }

  @Override
  public Optional<RunSummary> summary(String runId, boolean data) {
    return delegate.summary(runId, data);
  }

  @Override
  public Map<WorkflowStatus, Long> countRuns() {
    return delegate.countRuns();
  }

  @Override
  public Optional<BreakerBoard> breakerBoard() {
    return delegate.breakerBoard();
  }

  @Override
  public Optional<KeyValues> keyValues() {
    return delegate.keyValues();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
