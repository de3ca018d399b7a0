package dev.firebreak.runtime;

import java.util.List;

/**
 * One page of a {@link RunQuery}: its runs, newest first, and the cursor of the next page.
 *
 * @param nextCursor what {@link RunQuery#after} takes for the next page; null if this is the last
 */
public record RunPage(List<RunSummary> runs, String nextCursor) {
  public RunPage {
    runs = List.copyOf(runs);
  }

  public boolean hasNext() {
    return nextCursor != null;
  }

  /**
   * The page of {@code found}: the store read up to {@code limit} + 1 runs, and a next page exists
   * if it found more than {@code limit}.
   */
  public static RunPage of(List<RunSummary> found, int limit) {
    if (found.size() <= limit) {
      return new RunPage(found, null);
    }
    List<RunSummary> page = found.subList(0, limit);
    return new RunPage(page, RunQuery.Cursor.after(page.get(limit - 1)));
  }

  @Override
  public String toString() {
    return "RunPage[" + runs.size() + " runs" + (hasNext() ? ", more" : "") + "]";
  }
}
