package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowFailedException;
import dev.firebreak.runtime.bus.LocalTransport;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.remote.FirebreakWorker;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import jakarta.inject.Provider;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A {@code @Remotable} agent: the generated orchestrator takes it as a {@code Provider}, resolved
 * only when the agent runs in process; whether it does is the runtime's configuration alone; the
 * generated dispatch serves its steps to a worker.
 */
class RemotableAgentTest {

  static ClassLoader compileFixture() {
    Compilation compilation =
        Compiler.compile(
            JavaFileObjects.forResource("fixtures/remote/Scan.java"),
            JavaFileObjects.forResource("fixtures/remote/RemoteDriver.java"));
    assertThat(compilation).succeededWithoutWarnings();
    return new GeneratedCodeRunsTest.InMemoryClassLoader(
        compilation.generatedFiles(), RemotableAgentTest.class.getClassLoader());
  }

  private static Object summarize(ClassLoader loader, FirebreakRuntime runtime, Provider<?> ocr)
      throws Exception {
    return summarize(loader, runtime, ocr, "p-1");
  }

  private static Object summarize(
      ClassLoader loader, FirebreakRuntime runtime, Provider<?> ocr, String page) throws Exception {
    try {
      return loader
          .loadClass("test.remote.RemoteDriver")
          .getMethod("summarize", FirebreakRuntime.class, Provider.class, String.class)
          .invoke(null, runtime, ocr, page);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  /** The fixture's record of what its compensation undid. */
  @SuppressWarnings("unchecked")
  private static List<String> forgotten(ClassLoader loader) throws Exception {
    return (List<String>)
        loader.loadClass("test.remote.Scan$OcrAgent").getField("FORGOTTEN").get(null);
  }

  /** A page the summary refuses: the run fails and compensates OCR, wherever it ran. */
  private static void failsAndCompensates(
      ClassLoader loader, FirebreakRuntime runtime, Provider<?> ocr) throws Exception {
    WorkflowFailedException failed =
        assertThrows(
            WorkflowFailedException.class, () -> summarize(loader, runtime, ocr, "unreadable-1"));
    assertEquals("summary", failed.failedStep());
    assertEquals(
        List.of("unreadable-1/unreadable-1@" + failed.runId() + ":read"), forgotten(loader));
  }

  @Test
  void inProcessTheAgentComesFromItsProvider() throws Exception {
    ClassLoader loader = compileFixture();
    Object agent = loader.loadClass("test.remote.Scan$OcrAgent").getConstructor().newInstance();
    AtomicInteger resolved = new AtomicInteger();
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder()
            .checkpointStore(new InMemoryCheckpointStore())
            .shutdownHook(false)
            .build()) {
      Object summary =
          summarize(
              loader,
              runtime,
              () -> {
                resolved.incrementAndGet();
                return agent;
              });
      assertEquals("Summary[pageId=p-1, lines=2, words=4]", summary.toString());
      assertEquals(2, resolved.get(), "once per step of the agent that ran");
      failsAndCompensates(
          loader,
          runtime,
          () -> {
            resolved.incrementAndGet();
            return agent;
          });
      assertEquals(5, resolved.get(), "and for the compensation");
      Object degraded =
          summarize(
              loader,
              runtime,
              () -> {
                resolved.incrementAndGet();
                return agent;
              },
              "uncountable-1");
      assertEquals(
          "Summary[pageId=uncountable-1, lines=2, words=-2]",
          degraded.toString(),
          "the fallback saw the IllegalStateException itself");
    }
    assertEquals(8, resolved.get(), "and for the fallback");
  }

  @Test
  void overTheBusTheWorkerRunsItAndTheProviderIsNeverResolved() throws Exception {
    ClassLoader loader = compileFixture();
    AgentDispatch dispatch =
        (AgentDispatch)
            loader.loadClass("test.remote.RemoteDriver").getMethod("ocrWorker").invoke(null);
    assertEquals("test.remote.Scan.OcrAgent", dispatch.agent());
    assertEquals(List.of("read", "count"), dispatch.steps());
    assertEquals(1, dispatch.inputCodecs("read").size(), "the StepContext does not cross");
    try (LocalTransport bus = new LocalTransport();
        FirebreakWorker worker = FirebreakWorker.builder(bus).agent(dispatch).start();
        FirebreakRuntime runtime =
            FirebreakRuntime.builder()
                .checkpointStore(new InMemoryCheckpointStore())
                .remoteAgents(bus, "test.remote.Scan.OcrAgent")
                .shutdownHook(false)
                .build()) {
      Object summary =
          summarize(
              loader,
              runtime,
              () -> {
                throw new AssertionError("the OCR agent runs remote: never resolved here");
              });
      assertEquals("Summary[pageId=p-1, lines=2, words=4]", summary.toString());
      assertEquals(2, worker.calls(), "read and count ran on the worker");
      failsAndCompensates(
          loader,
          runtime,
          () -> {
            throw new AssertionError("the OCR agent runs remote: never resolved here");
          });
      assertEquals(5, worker.calls(), "read, count and forget ran on the worker");
      Object degraded =
          summarize(
              loader,
              runtime,
              () -> {
                throw new AssertionError("the OCR agent runs remote: never resolved here");
              },
              "uncountable-1");
      assertEquals(
          "Summary[pageId=uncountable-1, lines=2, words=-1]",
          degraded.toString(),
          "the fallback saw a RemoteFailureException naming IllegalStateException");
      assertEquals(8, worker.calls(), "read, count and guess ran on the worker");
    }
  }
}
