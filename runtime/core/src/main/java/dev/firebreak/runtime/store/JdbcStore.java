package dev.firebreak.runtime.store;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.DeadLetter;
import dev.firebreak.runtime.DeadLetterQueue;
import dev.firebreak.runtime.RunIds;
import dev.firebreak.runtime.RunRecord;
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
import java.util.NoSuchElementException;
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

  /** A store whose runs are leased by {@code leases}. */
  protected JdbcStore(Leases leases) {
    this.leases = Objects.requireNonNull(leases, "leases");
    this.claims = new JdbcClaims(this, leases);
    this.sweep = new JdbcSweep(this, leases, claims);
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

  private long now() {
    return leases.now();
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
   * run another node took meanwhile. Empty where writes are serialised anyway.
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
  public RunRecord open(
      String runId, String workflow, String entryPoint, String graphHash, byte[] inputs) {
    RunIds.check(runId);
    if (!registered) {
      heartbeat();
    }
    return write(
        c -> {
          long now = now();
          PreparedStatement insert =
              prepare(
                  c,
                  "INSERT INTO firebreak_run"
                      + " (run_id, workflow, entry_point, graph_hash, status, version, created_at, updated_at, inputs,"
                      + " owner)"
                      + " VALUES (?, ?, ?, ?, 'RUNNING', 0, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING");
          try {
            insert.setString(1, runId);
            insert.setString(2, workflow);
            insert.setString(3, entryPoint);
            insert.setString(4, graphHash);
            insert.setLong(5, now);
            insert.setLong(6, now);
            insert.setBytes(7, inputs);
            insert.setString(8, leases.owner());
            if (insert.executeUpdate() == 1) {
              // A new run: nothing to read back.
              return new RunRecord(
                  runId,
                  workflow,
                  entryPoint,
                  graphHash,
                  WorkflowStatus.RUNNING,
                  Map.of(),
                  Map.of(),
                  inputs,
                  null);
            }
            RunRecord existing = load(c, runId).orElseThrow();
            if (!existing.status().isTerminal()) {
              // An unfinished run: this node takes it over, or is refused. The claim changes only
              // the owner and version, which a RunRecord does not show: no need to read it again.
              claims.claim(c, runId);
            }
            return existing;
          } finally {
            release(insert);
          }
        });
  }

  // The writes a run makes while it runs (steps, attempts, its end) are one statement each that
  // writes only if the run is owned by this node: the owner was set when the run was opened or
  // taken over, and only changes when another node finds this one gone, so these need no claim.

  @Override
  public void saveStep(String runId, String step, byte[] output, int attempts) {
    RunIds.check(runId);
    write(
        c -> {
          insertStep(c, runId, step, output, attempts);
          return null;
        });
  }

  private void insertStep(Connection c, String runId, String step, byte[] output, int attempts)
      throws SQLException {
    PreparedStatement insert =
        prepare(
            c,
            "INSERT INTO firebreak_step (run_id, step, output, attempts, seq)"
                + " SELECT run_id, ?, ?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM firebreak_step WHERE run_id = ?)"
                + " FROM firebreak_run WHERE run_id = ? AND owner = ?"
                + ownedRowLock());
    try {
      insert.setString(1, step);
      insert.setBytes(2, output);
      insert.setInt(3, attempts);
      insert.setString(4, runId);
      insert.setString(5, runId);
      insert.setString(6, leases.owner());
      if (insert.executeUpdate() == 0) {
        throw claims.refused(c, runId);
      }
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())
          || (e.getMessage() != null && e.getMessage().contains("UNIQUE"))) {
        throw new IllegalStateException(
            "step '" + step + "' of run " + runId + " is already recorded", e);
      }
      throw e;
    } finally {
      release(insert);
    }
  }

  @Override
  public void saveAttempt(String runId, String step, int attempts) {
    RunIds.check(runId);
    write(
        c -> {
          PreparedStatement upsert =
              prepare(
                  c,
                  "INSERT INTO firebreak_attempt (run_id, step, attempts)"
                      + " SELECT run_id, ?, ? FROM firebreak_run WHERE run_id = ? AND owner = ?"
                      + ownedRowLock()
                      + " ON CONFLICT (run_id, step) DO UPDATE SET attempts = excluded.attempts");
          try {
            upsert.setString(1, step);
            upsert.setInt(2, attempts);
            upsert.setString(3, runId);
            upsert.setString(4, leases.owner());
            if (upsert.executeUpdate() == 0) {
              throw claims.refused(c, runId);
            }
          } finally {
            release(upsert);
          }
          return null;
        });
  }

  @Override
  public void resetSteps(String runId, Collection<String> steps) {
    RunIds.check(runId);
    List<String> names = List.copyOf(steps);
    write(
        c -> {
          claims.owned(c, runId);
          deleteSteps(c, runId, names);
          return null;
        });
  }

  private void deleteSteps(Connection c, String runId, List<String> names) throws SQLException {
    for (String table : List.of("firebreak_step", "firebreak_attempt")) {
      PreparedStatement delete =
          prepare(c, "DELETE FROM " + table + " WHERE run_id = ? AND step = ?");
      try {
        for (String step : names) {
          delete.setString(1, runId);
          delete.setString(2, step);
          delete.addBatch();
        }
        delete.executeBatch();
      } finally {
        release(delete);
      }
    }
  }

  @Override
  public RunRecord reopen(String runId, WorkflowStatus expected, Collection<String> resetSteps) {
    RunIds.check(runId);
    if (!expected.isFailure()) {
      throw new IllegalArgumentException(
          "only a failed run can be reopened, not a " + expected + " one");
    }
    List<String> names = List.copyOf(resetSteps);
    return write(
        c -> {
          long now = now();
          PreparedStatement update =
              prepare(
                  c,
                  "UPDATE firebreak_run SET status = 'RUNNING', ended_at = NULL, owner = ?,"
                      + " version = version + 1, updated_at = ? WHERE run_id = ? AND status = ?");
          try {
            update.setString(1, leases.owner());
            update.setLong(2, now);
            update.setString(3, runId);
            update.setString(4, expected.name());
            if (update.executeUpdate() == 0) {
              throw load(c, runId)
                  .<RuntimeException>map(
                      r ->
                          new IllegalStateException(
                              "run "
                                  + runId
                                  + " is "
                                  + r.status()
                                  + ", not "
                                  + expected
                                  + " as read: not reopened"))
                  .orElseGet(
                      () -> new NoSuchElementException("no run " + runId + " in " + describe()));
            }
          } finally {
            release(update);
          }
          deleteSteps(c, runId, names);
          return load(c, runId).orElseThrow();
        });
  }

  @Override
  public int purgeFinished(Instant before) {
    return write(
        c -> {
          long cutoff = before.toEpochMilli();
          for (String table : List.of("firebreak_step", "firebreak_attempt")) {
            PreparedStatement delete =
                prepare(
                    c,
                    "DELETE FROM "
                        + table
                        + " WHERE run_id IN"
                        + " (SELECT run_id FROM firebreak_run WHERE ended_at IS NOT NULL AND ended_at < ?)");
            try {
              delete.setLong(1, cutoff);
              delete.executeUpdate();
            } finally {
              release(delete);
            }
          }
          PreparedStatement delete =
              prepare(c, "DELETE FROM firebreak_run WHERE ended_at IS NOT NULL AND ended_at < ?");
          try {
            delete.setLong(1, cutoff);
            return delete.executeUpdate();
          } finally {
            release(delete);
          }
        });
  }

  @Override
  public void saveStatus(String runId, WorkflowStatus status) {
    RunIds.check(runId);
    write(
        c -> {
          setStatus(c, runId, status);
          return null;
        });
  }

  /** The run's end and its dead letter in one transaction: a refused end writes no dead letter. */
  @Override
  public void fail(String runId, WorkflowStatus status, DeadLetter letter) {
    RunIds.check(runId);
    write(
        c -> {
          setStatus(c, runId, status);
          if (letter != null) {
            JdbcDeadLetters.insert(c, letter);
          }
          return null;
        });
  }

  private void setStatus(Connection c, String runId, WorkflowStatus status) throws SQLException {
    claims.owned(c, runId);
    PreparedStatement update =
        prepare(
            c,
            "UPDATE firebreak_run SET status = ?, ended_at = CASE WHEN ? THEN ? ELSE NULL END,"
                + " owner = CASE WHEN ? THEN NULL ELSE owner END WHERE run_id = ?");
    try {
      // A run that ended is owned by nobody: anyone may attach to it, or replay it.
      update.setString(1, status.name());
      update.setBoolean(2, status.isTerminal());
      update.setLong(3, now());
      update.setBoolean(4, status.isTerminal());
      update.setString(5, runId);
      update.executeUpdate();
    } finally {
      release(update);
    }
  }

  @Override
  public void finish(String runId, WorkflowStatus status, byte[] output) {
    RunIds.check(runId);
    write(
        c -> {
          end(c, runId, status, output);
          return null;
        });
  }

  /** The last step's checkpoint and the run's end in one transaction. */
  @Override
  public void finish(
      String runId,
      WorkflowStatus status,
      byte[] output,
      String lastStep,
      byte[] lastStepOutput,
      int lastStepAttempts) {
    RunIds.check(runId);
    write(
        c -> {
          insertStep(c, runId, lastStep, lastStepOutput, lastStepAttempts);
          end(c, runId, status, output);
          return null;
        });
  }

  private void end(Connection c, String runId, WorkflowStatus status, byte[] output)
      throws SQLException {
    long now = now();
    PreparedStatement update =
        prepare(
            c,
            "UPDATE firebreak_run SET status = ?, output = ?, ended_at = ?, owner = NULL, version = version + 1,"
                + " updated_at = ? WHERE run_id = ? AND owner = ?");
    try {
      update.setString(1, status.name());
      update.setBytes(2, output);
      update.setLong(3, now);
      update.setLong(4, now);
      update.setString(5, runId);
      update.setString(6, leases.owner());
      if (update.executeUpdate() == 0) {
        throw claims.refused(c, runId);
      }
    } finally {
      release(update);
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

  private Optional<RunRecord> load(Connection c, String runId) throws SQLException {
    return loadAll(c, "run_id = ?", List.of(runId)).stream().findFirst();
  }
}
