package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;
import dev.firebreak.processor.base.RuntimeNames;

/**
 * The JavaPoet names of the types generated code refers to (the runtime's from {@link
 * RuntimeNames}).
 */
final class Types {
  private Types() {}

  static final String RUNTIME_PACKAGE = RuntimeNames.RUNTIME;
  static final ClassName FIREBREAK_RUNTIME = ClassName.get(RUNTIME_PACKAGE, "FirebreakRuntime");
  static final ClassName STEP_CONTEXT = ClassName.get(RUNTIME_PACKAGE, "StepContext");
  static final ClassName CHECKPOINT_CODEC = ClassName.get(RUNTIME_PACKAGE, "CheckpointCodec");
  static final ClassName WORKFLOW_GRAPH = ClassName.get(RuntimeNames.GRAPH, "WorkflowGraph");
  static final ClassName ENTRY_POINT_PLAN = ClassName.get(RuntimeNames.GRAPH, "EntryPointPlan");
  static final ClassName STEP_DESCRIPTOR = ClassName.get(RuntimeNames.GRAPH, "StepDescriptor");
  static final ClassName RETRY_POLICY = ClassName.get(RuntimeNames.GRAPH, "RetryPolicy");
  static final ClassName BREAKER_POLICY = ClassName.get(RuntimeNames.GRAPH, "CircuitBreakerPolicy");
  static final ClassName BOUND_ENTRY_POINT =
      ClassName.get(RuntimeNames.GENERATED, "BoundEntryPoint");
  static final ClassName STEP_BINDING = ClassName.get(RuntimeNames.GENERATED, "StepBinding");
  static final ClassName FIREBREAK_GENERATED =
      ClassName.get(RuntimeNames.GENERATED, "FirebreakGenerated");
  static final ClassName CODECS = ClassName.get(RuntimeNames.CODEC, "Codecs");
  static final ClassName KEY_CODEC = ClassName.get(RuntimeNames.CODEC, "KeyCodec");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final ClassName INJECT = ClassName.get("jakarta.inject", "Inject");
  static final ClassName PROVIDER = ClassName.get("jakarta.inject", "Provider");
  static final ClassName REMOTABLE = STEP_BINDING.nestedClass("Remotable");
  static final ClassName AGENT_DISPATCH = ClassName.get(RuntimeNames.GENERATED, "AgentDispatch");
  static final ClassName JSON_GENERATOR =
      ClassName.get("com.fasterxml.jackson.core", "JsonGenerator");
  static final ClassName JSON_PARSER = ClassName.get("com.fasterxml.jackson.core", "JsonParser");
  static final ClassName JSON_TOKEN = ClassName.get("com.fasterxml.jackson.core", "JsonToken");
  static final ClassName JSON_PARSE_EXCEPTION =
      ClassName.get("com.fasterxml.jackson.core", "JsonParseException");
  static final ClassName LIST = ClassName.get("java.util", "List");
  static final ClassName COMPLETION_STAGE =
      ClassName.get("java.util.concurrent", "CompletionStage");
  static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
  static final ClassName DURATION = ClassName.get("java.time", "Duration");
  static final ClassName IO_EXCEPTION = ClassName.get("java.io", "IOException");
}
