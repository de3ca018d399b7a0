package dev.firebreak.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.StepContext;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.codec.Codecs;
import dev.firebreak.runtime.generated.StepBinding;
import dev.firebreak.runtime.graph.EntryPointPlan;
import org.junit.jupiter.api.Test;

/** The names the processor writes without linking the runtime are the runtime's. */
class RuntimeNamesTest {

  @Test
  void everyNameIsTheRuntimes() {
    assertEquals(FirebreakRuntime.class.getPackageName(), RuntimeNames.RUNTIME);
    assertEquals(EntryPointPlan.class.getPackageName(), RuntimeNames.GRAPH);
    assertEquals(StepBinding.class.getPackageName(), RuntimeNames.GENERATED);
    assertEquals(Codecs.class.getPackageName(), RuntimeNames.CODEC);
    assertEquals(StepContext.class.getName(), RuntimeNames.STEP_CONTEXT);
    assertEquals(WorkflowResult.class.getName(), RuntimeNames.WORKFLOW_RESULT);
    assertEquals(FirebreakProcessor.class.getName(), RuntimeNames.PROCESSOR);
  }
}
