package dev.firebreak.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.firebreak.processor.writing.GeneratedFormat;
import dev.firebreak.runtime.graph.GeneratedCode;
import org.junit.jupiter.api.Test;

/** The processor and the runtime of one release agree on the generated code between them. */
class GeneratedFormatTest {

  @Test
  void theProcessorWritesTheFormatItsRuntimeRuns() {
    assertEquals(GeneratedCode.FORMAT, GeneratedFormat.FORMAT);
  }

  @Test
  void bothKnowTheirRelease() {
    assertTrue(
        GeneratedFormat.PROCESSOR_VERSION.matches("\\d+\\.\\d+\\.\\d+.*"),
        GeneratedFormat.PROCESSOR_VERSION);
    assertEquals(GeneratedCode.runtimeVersion(), GeneratedFormat.PROCESSOR_VERSION);
  }
}
