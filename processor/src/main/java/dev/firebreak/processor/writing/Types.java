package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;

/**
 * Runtime types the generated code refers to, by name (the processor does not link the runtime).
 */
final class Types {
  private Types() {}

  static final String RUNTIME_PACKAGE = "dev.firebreak.runtime";
  static final ClassName FIREBREAK_RUNTIME = ClassName.get(RUNTIME_PACKAGE, "FirebreakRuntime");
  static final ClassName STEP_CONTEXT = ClassName.get(RUNTIME_PACKAGE, "StepContext");
  static final ClassName CHECKPOINT_CODEC = ClassName.get(RUNTIME_PACKAGE, "CheckpointCodec");
  static final ClassName WORKFLOW_GRAPH =
      ClassName.get(RUNTIME_PACKAGE + ".graph", "WorkflowGraph");
  static final ClassName ENTRY_POINT_PLAN =
      ClassName.get(RUNTIME_PACKAGE + ".graph", "EntryPointPlan");
  static final ClassName STEP_DESCRIPTOR =
      ClassName.get(RUNTIME_PACKAGE + ".graph", "StepDescriptor");
  static final ClassName RETRY_POLICY = ClassName.get(RUNTIME_PACKAGE + ".graph", "RetryPolicy");
  static final ClassName BREAKER_POLICY =
      ClassName.get(RUNTIME_PACKAGE + ".graph", "CircuitBreakerPolicy");
  static final ClassName BOUND_ENTRY_POINT =
      ClassName.get(RUNTIME_PACKAGE + ".generated", "BoundEntryPoint");
  static final ClassName STEP_BINDING =
      ClassName.get(RUNTIME_PACKAGE + ".generated", "StepBinding");
  static final ClassName FIREBREAK_GENERATED =
      ClassName.get(RUNTIME_PACKAGE + ".generated", "FirebreakGenerated");
  static final ClassName CODECS = ClassName.get(RUNTIME_PACKAGE + ".codec", "Codecs");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  static final ClassName INJECT = ClassName.get("jakarta.inject", "Inject");
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
