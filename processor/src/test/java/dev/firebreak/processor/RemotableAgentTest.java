package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.bus.LocalTransport;
import dev.firebreak.runtime.generated.AgentDispatch;
import dev.firebreak.runtime.remote.FirebreakWorker;
import dev.firebreak.runtime.store.InMemoryCheckpointStore;
import jakarta.inject.Provider;
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
    return loader
        .loadClass("test.remote.RemoteDriver")
        .getMethod("summarize", FirebreakRuntime.class, Provider.class)
        .invoke(null, runtime, ocr);
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
    }
    assertEquals(2, resolved.get(), "once per step of the agent that ran");
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
    }
  }
}
