package dev.firebreak.runtime.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a group commit's writes with few round trips: the {@link RowWrite}s in rounds, the i-th
 * statements of all of them in round i, as one JDBC batch per SQL text (a driver such as
 * PostgreSQL's sends a batch in one round trip); any other write alone, first. Writes in one group
 * are of different runs or independent (a caller queues its next write only once the last is
 * committed), so their statements may run in this order.
 *
 * <p>Each statement is still judged by its own row count: a write refused there fails alone. When a
 * write fails after it changed rows (its later statement was refused), or a batch fails as a whole
 * (an error aborts the transaction, and which write caused it is unknown), or the driver does not
 * tell each row count, the transaction is rolled back and the writes are applied one at a time
 * ({@link QueuedWrite#reapply}), each failing for its own reason.
 */
public final class RowBatches {
  private RowBatches() {}

  /**
   * Applies the writes of {@code writes} that have not failed, on {@code c} inside its open
   * transaction; afterwards the transaction holds exactly the writes that did not fail.
   */
  public static void apply(Connection c, List<QueuedWrite<?>> writes, String where) {
    List<QueuedWrite<?>> applied = new ArrayList<>(writes.size());
    List<QueuedWrite<?>> batched = new ArrayList<>(writes.size());
    for (QueuedWrite<?> write : writes) {
      if (write.failed()) {
        continue;
      }
      if (write.rows() != null) {
        batched.add(write);
        continue;
      }
      applied.add(write);
      if (!write.applyTo(c, where)) {
        QueuedWrite.reapply(c, applied, where);
      }
    }
    applied.addAll(batched);
    if (!inRounds(c, batched, where)) {
      QueuedWrite.reapply(c, applied, where);
    }
  }

  /**
   * Applies {@code writes} round by round; false if the transaction must be rolled back and the
   * writes applied one at a time.
   */
  private static boolean inRounds(Connection c, List<QueuedWrite<?>> writes, String where) {
    int rounds = 0;
    for (QueuedWrite<?> write : writes) {
      rounds = Math.max(rounds, write.rows().size());
    }
    boolean clean = true;
    for (int round = 0; round < rounds; round++) {
      Map<String, List<QueuedWrite<?>>> bySql = new LinkedHashMap<>();
      for (QueuedWrite<?> write : writes) {
        if (!write.failed() && round < write.rows().size()) {
          bySql.computeIfAbsent(write.rows().sql(round), sql -> new ArrayList<>()).add(write);
        }
      }
      for (Map.Entry<String, List<QueuedWrite<?>>> group : bySql.entrySet()) {
        int[] counts;
        try (PreparedStatement statement = c.prepareStatement(group.getKey())) {
          for (QueuedWrite<?> write : group.getValue()) {
            write.rows().bind(round, statement);
            statement.addBatch();
          }
          counts = statement.executeBatch();
        } catch (SQLException e) {
          return false;
        }
        for (int count : counts) {
          if (count < 0) {
            return false; // the driver does not tell what each statement changed
          }
        }
        for (int i = 0; i < counts.length; i++) {
          QueuedWrite<?> write = group.getValue().get(i);
          if (!write.counted(round, c, counts[i], where)
              && !refusedUntouched(write, round, counts[i])) {
            clean = false; // it left rows or an aborted transaction behind: roll back
          }
        }
      }
    }
    return clean;
  }

  /**
   * Whether a write that failed at statement {@code round}, which changed {@code rows} rows, left
   * the transaction as it was: its first statement changed nothing, and it was refused by a check
   * that only reads, not by the database.
   */
  private static boolean refusedUntouched(QueuedWrite<?> write, int round, int rows) {
    return round == 0
        && rows == 0
        && write.rows().countedReadsOnly(round)
        && !write.failedInDatabase();
  }
}
