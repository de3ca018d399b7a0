package dev.firebreak.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.runtime.RunRecord;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** What the SQL stores promise beyond the contract every store keeps. */
public abstract class JdbcStoreContract extends StoreContract {
  @Test
  void aRunThatEndedTakesNoMoreWritesFromItsOldOwner() {
    store.open("r1", "wf", "process", "h", null);
    store.finish("r1", WorkflowStatus.COMPLETED, new byte[] {9}, "a", new byte[] {1}, 1);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> store.saveStep("r1", "b", new byte[] {2}, 1));
    assertTrue(e.getMessage().contains("COMPLETED and owned by no node"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> store.saveAttempt("r1", "b", 2));
    assertThrows(
        IllegalStateException.class, () -> store.finish("r1", WorkflowStatus.COMPLETED, null));
    RunRecord run = store.find("r1").orElseThrow();
    assertEquals(List.of("a"), new ArrayList<>(run.outputs().keySet()), "nothing was written");
    assertEquals(java.util.Map.of("a", 1), run.attempts());
  }

  @Test
  void failingWritesAmongConcurrentOnesFailAloneAndLeaveNothing() throws Exception {
    int runs = 48;
    for (int r = 0; r < runs; r++) {
      store.open("run-" + r, "wf", "process", "h", null);
      store.saveStep("run-" + r, "taken", new byte[] {1}, 1);
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> good = new ArrayList<>();
    List<Future<?>> bad = new ArrayList<>();
    try {
      for (int r = 0; r < runs; r++) {
        String id = "run-" + r;
        // Every third run ends with a step it already has: that whole end must fail, alone.
        String last = r % 3 == 0 ? "taken" : "last";
        (r % 3 == 0 ? bad : good)
            .add(
                pool.submit(
                    () -> {
                      store.saveStep(id, "middle", new byte[] {2}, 1);
                      store.finish(
                          id, WorkflowStatus.COMPLETED, new byte[] {9}, last, new byte[] {3}, 2);
                      return null;
                    }));
      }
      for (Future<?> f : good) {
        f.get();
      }
      for (Future<?> f : bad) {
        java.util.concurrent.ExecutionException e =
            assertThrows(java.util.concurrent.ExecutionException.class, f::get);
        assertTrue(
            e.getCause().getMessage().contains("already recorded"), e.getCause().getMessage());
      }
    } finally {
      pool.shutdown();
    }
    for (int r = 0; r < runs; r++) {
      RunRecord run = store.find("run-" + r).orElseThrow();
      if (r % 3 == 0) {
        assertEquals(WorkflowStatus.RUNNING, run.status(), "the failed end left the run as it was");
        assertEquals(List.of("taken", "middle"), new ArrayList<>(run.outputs().keySet()));
      } else {
        assertEquals(WorkflowStatus.COMPLETED, run.status());
        assertEquals(List.of("taken", "middle", "last"), new ArrayList<>(run.outputs().keySet()));
        assertEquals(2, run.attempts().get("last"));
      }
    }
  }

  @Test
  void aClosedStoreRefusesWritesClearly() {
    store.close();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> store.open("r", "wf", "p", "h", null));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
