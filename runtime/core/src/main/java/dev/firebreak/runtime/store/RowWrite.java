package dev.firebreak.runtime.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A write made of fixed statements applied in order, each judged by the rows it changed: a run's
 * open, a step's checkpoint, its end. Applied alone it is one statement after the other; a writer
 * that commits many writes together may instead send the first statements of all of them as one
 * JDBC batch per SQL text, then the second ones, and so on ({@link RowBatches}): one round trip
 * where there was one per write.
 *
 * @param <T> what the write returns: what its last statement's {@link Counted} says
 */
public final class RowWrite<T> implements JdbcStore.Work<T> {
  /** Sets a statement's parameters. */
  @FunctionalInterface
  public interface Binding {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /**
   * What a statement's row count means: the write's result, or a refusal thrown. It may read on the
   * connection, and write more (a run's claim), but not write and then throw.
   */
  @FunctionalInterface
  public interface Counted<R> {
    R counted(Connection c, int rows) throws SQLException;
  }

  private record Statement(
      String sql,
      Binding binding,
      Counted<?> counted,
      Function<SQLException, RuntimeException> onError,
      boolean countedReadsOnly) {}

  private final JdbcStore store;
  private final List<Statement> statements = new ArrayList<>(2);

  private RowWrite(JdbcStore store) {
    this.store = store;
  }

  /**
   * A write whose first statement is {@code sql}; its prepared statements come from {@code store}.
   */
  static <T> RowWrite<T> of(JdbcStore store, String sql, Binding binding, Counted<T> counted) {
    return new RowWrite<T>(store).then(sql, binding, counted);
  }

  /** Adds the statement {@code sql} after the others; it decides the write's result. */
  @SuppressWarnings("unchecked")
  <R> RowWrite<R> then(String sql, Binding binding, Counted<R> counted) {
    statements.add(new Statement(sql, binding, counted, e -> null, true));
    return (RowWrite<R>) this;
  }

  /**
   * Makes an {@link SQLException} of the last statement thrown as what {@code onError} makes of it,
   * unless that is null.
   */
  RowWrite<T> translating(Function<SQLException, RuntimeException> onError) {
    Statement last = statements.remove(statements.size() - 1);
    statements.add(
        new Statement(last.sql, last.binding, last.counted, onError, last.countedReadsOnly));
    return this;
  }

  /**
   * Says that the last statement's {@link Counted} may write (a claim): a failure there is never
   * taken for a refusal that left the transaction as it was.
   */
  RowWrite<T> countedMayWrite() {
    Statement last = statements.remove(statements.size() - 1);
    statements.add(new Statement(last.sql, last.binding, last.counted, last.onError, false));
    return this;
  }

  /** Whether statement {@code index}'s {@link Counted} only reads. */
  boolean countedReadsOnly(int index) {
    return statements.get(index).countedReadsOnly;
  }

  int size() {
    return statements.size();
  }

  String sql(int index) {
    return statements.get(index).sql;
  }

  void bind(int index, PreparedStatement statement) throws SQLException {
    statements.get(index).binding.bind(statement);
  }

  @SuppressWarnings("unchecked")
  T counted(int index, Connection c, int rows) throws SQLException {
    return (T) statements.get(index).counted.counted(c, rows);
  }

  /** Applies the statements one after the other. */
  @Override
  public T apply(Connection c) throws SQLException {
    T result = null;
    for (int i = 0; i < statements.size(); i++) {
      Statement statement = statements.get(i);
      PreparedStatement prepared = store.prepare(c, statement.sql);
      int rows;
      try {
        statement.binding.bind(prepared);
        rows = prepared.executeUpdate();
      } catch (SQLException e) {
        RuntimeException translated = statement.onError.apply(e);
        if (translated != null) {
          throw translated;
        }
        throw e;
      } finally {
        store.release(prepared);
      }
      result = counted(i, c, rows);
    }
    return result;
  }
}
