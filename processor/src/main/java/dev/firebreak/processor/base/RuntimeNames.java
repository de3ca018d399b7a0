package dev.firebreak.processor.base;

/**
 * The runtime's types the processor refers to, by name: the processor does not link the runtime.
 * Validation compares types with these names; the writers build JavaPoet names from them.
 */
public final class RuntimeNames {
  private RuntimeNames() {}

  public static final String RUNTIME = "dev.firebreak.runtime";
  public static final String GRAPH = RUNTIME + ".graph";
  public static final String GENERATED = RUNTIME + ".generated";
  public static final String CODEC = RUNTIME + ".codec";

  /** The parameter type a step declares to receive its run's context. */
  public static final String STEP_CONTEXT = RUNTIME + ".StepContext";

  /** The result an entry point may return instead of its plain output. */
  public static final String WORKFLOW_RESULT = RUNTIME + ".WorkflowResult";

  /** The processor itself, named in {@code @Generated}. */
  public static final String PROCESSOR = "dev.firebreak.processor.FirebreakProcessor";
}
