package dev.firebreak.runtime.postgres;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * A store that tells the cluster worker when a heartbeat returns after this node's lease had
 * lapsed: from then on the fence has confirmed the node's runs, and a step of a lost run that
 * starts later is a stale owner's step.
 */
final class LapseRecordingStore implements CheckpointStore {
  private final CheckpointStore store;
  private final LongConsumer lapseEnded;
  private boolean first = true;

  LapseRecordingStore(CheckpointStore store, LongConsumer lapseEnded) {
    this.store = store;
    this.lapseEnded = lapseEnded;
  }

  @Override
  public boolean heartbeat() {
    boolean continuous = store.heartbeat();
    if (!continuous && !first) {
      lapseEnded.accept(System.currentTimeMillis());
    }
    first = false;
    return continuous;
  }

  @Override
  public RunRecord open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    return store.open(runId, workflow, entryPoint, graphHash, inputs);
  }

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    store.saveStep(runId, step, output, attempts);
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    store.saveAttempt(runId, step, attempts);
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    store.resetSteps(runId, steps);
  }

  @Override
  public int purgeFinished(Instant before) {
    return store.purgeFinished(before);
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    store.saveStatus(runId, status);
  }

  @Override
  public void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    store.fail(runId, status, letter);
  }

  @Override
  public RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps) {
    return store.reopen(runId, expected, resetSteps);
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    store.finish(runId, status, output);
  }

  @Override
  public void finish(
      String runId,
      WorkflowStatus status,
      byte[] output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts) {
    store.finish(runId, status, output, lastStep, lastStepOutput, lastStepAttempts);
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    return store.find(runId);
  }

  @Override
  public List<RunRecord> unfinished() {
    return store.unfinished();
  }

  @Override
  public List<RunRecord> claim(List<RunRecord> runs) {
    return store.claim(runs);
  }

  @Override
  public Duration leaseDuration() {
    return store.leaseDuration();
  }

  @Override
  public String nodeId() {
    return store.nodeId();
  }

  @Override
  public Set<String> confirm(Collection<String> runIds) {
    return store.confirm(runIds);
  }

  @Override
  public List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    return store.takeOver(entryPoints, max);
  }

  @Override
  public void leave() {
    store.leave();
  }

  @Override
  public Optional<DeadLetterQueue> deadLetterQueue() {
    return store.deadLetterQueue();
  }

  @Override
  public void close() {
    store.close();
  }
}
