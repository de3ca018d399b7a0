package dev.firebreak.runtime.store;

import dev.firebreak.runtime.BreakerBoard;
import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.DeadLetterReason;
import dev.firebreak.runtime.KeyValues;
import dev.firebreak.runtime.RunEnd;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunNotes;
import dev.firebreak.runtime.RunPage;
import dev.firebreak.runtime.RunQuery;
import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.RunSummary;
import dev.firebreak.runtime.WorkflowStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What the SQL stores share: the tables, the statements, the semantics. A subclass decides how a
 * write reaches the database ({@link #write}: one transaction, committed before it returns) and how
 * a read does ({@link #read}), and names its dialect's details.
 *
 * <p>The tables are described in {@link JdbcSchema}; every time in them is milliseconds since the
 * epoch, from the store's clock.
 */
public abstract class JdbcStore implements CheckpointStore {
  /** A unit of work run inside one transaction. */
  public interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private final DeadLetterQueue deadLetters = new JdbcDeadLetters(this);
  private final Leases leases;
  private final JdbcClaims claims;
  private final JdbcSweep sweep;
  private final JdbcRunWrites runs;
  private final BreakerBoard breakers = new JdbcBreakerBoard(this);
  private final JdbcRunQueries queries = new JdbcRunQueries(this);
  private final KeyValues keyValues = new JdbcKeyValues(this);

  /** A store whose runs are leased by {@code leases}. */
  protected JdbcStore(Leases leases) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.claims = new JdbcClaims(this, leases);
    this.sweep = new JdbcSweep(this, leases, claims);
    this.runs = new JdbcRunWrites(this, leases, claims);
  }

  /** This node's id: the owner of the runs it opens. */
  public String owner() {
    return leases.owner();
  }

  @Override
  public String nodeId() {
    return leases.owner();
  }

  @Override
  public Duration leaseDuration() {
    return leases.duration();
  }

  /** Whether this node's row exists: the first open registers it if no heartbeat has. */
  private volatile boolean registered;

  @Override
  public boolean heartbeat() {
    boolean continuous = write(claims::heartbeat);
    registered = true;
    return continuous;
  }

  @Override
  public Set<String> confirm(Collection<String> runIds) {
    return runIds.isEmpty() ? Set.of() : write(c -> claims.confirm(c, runIds));
  }

  @Override
  public List<RunRecord> takeOver(Set<String> entryPoints, int max) {
    return write(
        c -> {
          List<String> taken = sweep.takeOver(c, entryPoints, max);
          // Read inside the claim: a step the previous owner wrote at the last moment is seen.
          return taken.isEmpty() ? List.<RunRecord>of() : loadIds(c, taken);
        });
  }

  @Override
  public void leave() {
    write(
        c -> {
          claims.leave(c);
          return null;
        });
    registered = false;
  }

  /**
   * Whether the process of node {@code owner}, whose lease has not ended, is known to have ended: a
   * store that can tell (a lock the process held until it died) says so, and its runs are taken
   * over without waiting for the lease. Default false: the lease alone decides. Called inside a
   * write, on its connection {@code c}.
   */
  protected boolean processEnded(Connection c, String owner) throws SQLException {
    return false;
  }

  /**
   * What a sweep's SELECT ends with so that two nodes sweeping at once take different runs (FOR
   * UPDATE SKIP LOCKED); empty where writes are serialised anyway.
   */
  protected String skipLockedClause() {
    return "";
  }

  /**
   * What a write that depends on the run being this node's adds to its SELECT of the run, so that
   * the condition still holds at commit: a lock another node's claim must wait for (FOR SHARE).
   * Without it, a node paused between such a write and its commit would commit a checkpoint of a
   * run another node took meanwhile. Empty where writes are serialised anyway. Read once, while
   * this store is constructed: a constant.
   */
  protected String ownedRowLock() {
    return "";
  }

  /** Runs claimed per write by {@link #claim(List)}: bounds how long one write holds the store. */
  private static final int CLAIM_CHUNK = 500;

  /** One write per {@value #CLAIM_CHUNK} runs: claims them, then reads back those it took. */
  @Override
  public List<RunRecord> claim(List<RunRecord> runs) {
    List<RunRecord> claimed = new ArrayList<>();
    for (int from = 0; from < runs.size(); from += CLAIM_CHUNK) {
      List<String> ids = new ArrayList<>();
      for (RunRecord run : runs.subList(from, Math.min(runs.size(), from + CLAIM_CHUNK))) {
        ids.add(run.runId());
      }
      claimed.addAll(
          write(
              c -> {
                List<String> taken = new ArrayList<>();
                for (String id : ids) {
                  if (claims.tryClaim(c, id)) {
                    taken.add(id);
                  }
                }
                return taken.isEmpty() ? List.<RunRecord>of() : loadIds(c, taken);
              }));
    }
    return claimed;
  }

  private List<RunRecord> loadIds(Connection c, List<String> ids) throws SQLException {
    return loadAll(
        c, "run_id IN (" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")", ids);
  }

  /** Runs {@code work} in a transaction and returns once it is committed. */
  protected abstract <T> T write(Work<T> work);

  /** Runs {@code work} on a connection that sees committed data. */
  protected abstract <T> T read(Work<T> work);

  /**
   * A statement for {@code sql} on {@code c}; give it back with {@link #release}, in a {@code
   * finally}. Every statement of this class is had this way (its SQL texts are fixed), so a store
   * with a long-lived connection may hand out cached statements: preparing is most of a small
   * write's cost.
   */
  protected PreparedStatement prepare(Connection c, String sql) throws SQLException {
    return c.prepareStatement(sql);
  }

  /** Gives back a statement from {@link #prepare}. */
  protected void release(PreparedStatement statement) throws SQLException {
    statement.close();
  }

  /** Where the data lives, for messages. */
  protected abstract String describe();

  /** The ORDER BY expression that lists runs in creation order. */
  protected abstract String creationOrder();

  /** The dead-letter queue kept in the same database. */
  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  @Override
  public Optional<DeadLetterQueue> deadLetterQueue() {
    return Optional.of(deadLetters);
  }

  @Override
  public RunPage listRuns(RunQuery query) {
    return queries.list(query);
  }

  @Override
  public Optional<RunSummary> summary(String runId, boolean data) {
    RunIds.check(runId);
    return queries.summary(runId, data);
  }

  @Override
  public Map<WorkflowStatus, Long> countRuns() {
    return queries.count();
  }

  /**
   * The query plan of {@code query}, as the database explains it (for tests that check each query
   * is served by an index).
   */
  public String explainRuns(RunQuery query) {
    return queries.plan(query, explainPrefix());
  }

  /**
   * How the database plans a page of dead letters of {@code reason} (null: all) after {@code after}
   * (null: the first): for tests that check the indexes serve it.
   */
  public String explainDeadLetters(DeadLetterReason reason, String after) {
    return ((JdbcDeadLetters) deadLetters).plan(reason, after, false, explainPrefix());
  }

  /** How the database plans the count of dead letters by reason. */
  public String explainDeadLetterCounts() {
    return ((JdbcDeadLetters) deadLetters).plan(null, null, true, explainPrefix());
  }

  /** What a query is prefixed with for the database to explain its plan. */
  protected abstract String explainPrefix();

  /** The shared breakers' records, in {@code firebreak_breaker}. */
  @Override
  public Optional<BreakerBoard> breakerBoard() {
    return Optional.of(breakers);
  }

  /** Values by key, in {@code firebreak_kv}, written and read as the runs are. */
  @Override
  public Optional<KeyValues> keyValues() {
    return Optional.of(keyValues);
  }

  /**
   * Called in the transaction that swapped breaker {@code name}, on its connection: a store that
   * can hint the other nodes (PostgreSQL's NOTIFY) does so here. Default: nothing; they poll.
   */
  protected void breakerSwapped(Connection c, String name) throws SQLException {}

  /**
   * Calls {@code changed} with a breaker's name whenever a node swapped it, on a thread of the
   * store's, until it closes; see {@link #breakerSwapped}. Default: never.
   */
  protected void listenForBreakers(java.util.function.Consumer<String> changed) {}

  @Override
  public RunRecord open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    RunIds.check(runId);
    if (!registered) {
      heartbeat();
    }
    return write(runs.open(runId, workflow, entryPoint, graphHash, inputs));
  }

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    RunIds.check(runId);
    write(runs.step(runId, step, output, attempts));
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    RunIds.check(runId);
    write(runs.attempt(runId, step, attempts));
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts, RunNotes notes) {
    RunIds.check(runId);
    write(runs.attempt(runId, step, attempts, notes));
  }

  @Override
  public void saveNotes(String runId, RunNotes notes) {
    RunIds.check(runId);
    write(runs.notes(runId, notes));
  }

  @Override
  public String timeline(String runId) {
    RunIds.check(runId);
    return queries.timeline(runId);
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    RunIds.check(runId);
    List<String> names = List.copyOf(steps);
    write(
        c -> {
          claims.owned(c, runId);
          runs.deleteSteps(c, runId, names);
          return null;
        });
  }

  @Override
  public RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps) {
    RunIds.check(runId);
    if (!expected.isFailure()) {
      throw new IllegalArgumentException(
          "only a failed run can be reopened, not a " + expected + " one");
    }
    List<String> names = List.copyOf(resetSteps);
    return write(c -> runs.reopen(c, runId, expected, names));
  }

  @Override
  public int purgeFinished(Instant before) {
    return write(c -> runs.purgeFinished(c, before.toEpochMilli()));
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    saveStatus(runId, status, RunNotes.NONE);
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status, RunNotes notes) {
    RunIds.check(runId);
    write(
        c -> {
          runs.setStatus(c, runId, status, notes);
          return null;
        });
  }

  @Override
  public void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    end(runId, RunEnd.failure(status, letter, RunNotes.NONE));
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    end(runId, RunEnd.success(status, output, RunNotes.NONE));
  }

  @Override
  public void finish(
      String runId,
      WorkflowStatus status,
      byte[] output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts) {
    end(
        runId,
        RunEnd.success(status, output, RunNotes.NONE)
            .withLastStep(lastStep, lastStepOutput, lastStepAttempts));
  }

  /**
   * The run's end in one transaction: a failure with its dead letter (a refused end writes no dead
   * letter), or a success with its last step's checkpoint; with the rest of its timeline.
   */
  @Override
  public void end(String runId, RunEnd end) {
    RunIds.check(runId);
    if (end.status().isFailure()) {
      write(
          c -> {
            runs.setStatus(c, runId, end.status(), end.notes());
            if (end.letter() != null) {
              JdbcDeadLetters.insert(c, end.letter());
            }
            return null;
          });
    } else if (end.lastStep() != null) {
      write(
          runs.stepAndEnd(
              runId,
              end.status(),
              end.output(),
              end.lastStep(),
              end.lastStepOutput(),
              end.lastStepAttempts(),
              end.notes().timelineJson()));
    } else {
      write(runs.end(runId, end.status(), end.output(), end.notes().timelineJson()));
    }
  }

  @Override
  public Optional<RunRecord> find(String runId) {
    RunIds.check(runId);
    return read(c -> load(c, runId));
  }

  @Override
  public List<RunRecord> unfinished() {
    return read(c -> loadAll(c, "status IN ('RUNNING', 'PARKED')", List.of()));
  }

  /**
   * The runs that {@code where} (a condition on firebreak_run, with {@code params}) selects, with
   * their steps and attempts, in creation order.
   */
  private List<RunRecord> loadAll(Connection c, String where, List<String> params)
      throws SQLException {
    return JdbcRunLoader.loadAll(c, where, params, creationOrder());
  }

  Optional<RunRecord> load(Connection c, String runId) throws SQLException {
    return loadAll(c, "run_id = ?", List.of(runId)).stream().findFirst();
  }
}
