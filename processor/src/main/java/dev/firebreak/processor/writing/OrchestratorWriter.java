package dev.firebreak.processor.writing;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import dev.firebreak.processor.FirebreakProcessor;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.Policies;
import dev.firebreak.processor.model.StepModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code Firebreak<Workflow>}: the static graph descriptor, an {@code @Inject} constructor
 * binding each step to its agent method through lambdas (no reflection at run time), a builder for
 * code without DI, the entry points, and the checkpoint codecs of record types.
 */
public final class OrchestratorWriter {
  /** Where generated code is documented (no URL is invented: the project has no site yet). */
  static final String DOCS = "Firebreak orchestrator; see the README section \"Generated code\"";

  private final WorkflowModel model;
  private final String graphHash;
  private final String mermaid;

  /**
   * Each step's method name, worked out once: working it out on every use compiled a regex per
   * earlier step each time, which made a 500-step workflow quadratic.
   */
  private final List<String> stepMethodNames;

  private boolean uncheckedCasts;

  private static final java.util.regex.Pattern NOT_WORD =
      java.util.regex.Pattern.compile("[^A-Za-z0-9_]");

  public OrchestratorWriter(WorkflowModel model, String graphHash, String mermaid) {
    this.model = model;
    this.graphHash = graphHash;
    this.mermaid = mermaid;
    List<String> stripped = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < model.steps().size(); i++) {
      names.add(stepMethodName(i, stripped));
      stripped.add(NOT_WORD.matcher(model.steps().get(i).name()).replaceAll(""));
    }
    this.stepMethodNames = List.copyOf(names);
  }

  public JavaFile write() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(model.generated())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(model.workflow())
            .addAnnotation(
                AnnotationSpec.builder(Types.GENERATED)
                    .addMember("value", "$S", FirebreakProcessor.class.getName())
                    .addMember("comments", "$S", DOCS)
                    .build())
            .addAnnotation(Types.FIREBREAK_GENERATED)
            .addJavadoc(classJavadoc());

    type.addField(
        FieldSpec.builder(
                Types.WORKFLOW_GRAPH, "GRAPH", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The workflow's graph: each entry point's steps, edges and policies.\n")
            .initializer(graphInitializer())
            .build());
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      type.addField(
          Types.BOUND_ENTRY_POINT, plan.entryPoint().method(), Modifier.PRIVATE, Modifier.FINAL);
    }
    type.addMethod(constructor());
    type.addMethod(
        MethodSpec.methodBuilder("builder")
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
            .returns(builderName())
            .addJavadoc("A builder for code without dependency injection.\n")
            .addStatement("return new $T()", builderName())
            .build());
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      type.addMethod(entryPoint(plan.entryPoint()));
    }
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      type.addMethod(planMethod(plan));
    }
    // Steps no entry point needs were warned about and are not part of any plan.
    model.entryPoints().stream()
        .flatMap(p -> p.steps().stream())
        .distinct()
        .sorted()
        .forEach(i -> type.addMethod(stepMethod(i)));
    if (!model.codecs().isEmpty()) {
      type.addType(new CodecWriter(model.generated(), model.codecs()).write());
    }
    type.addType(builder());
    return JavaFile.builder(model.generated().packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private CodeBlock classJavadoc() {
    CodeBlock.Builder doc =
        CodeBlock.builder().add("Runs {@link $T} over the steps of ", model.workflow());
    for (int i = 0; i < model.agents().size(); i++) {
      doc.add(
          i == 0
              ? "{@link $T}"
              : (i == model.agents().size() - 1 ? " and {@link $T}" : ", {@link $T}"),
          model.agents().get(i));
    }
    return doc.add(
            ", with their retry, timeout, circuit-breaker, degradation, checkpoint and compensation\n")
        .add("policies.\n\n")
        .add(
            "<p>Generated by the Firebreak annotation processor from {@link $T}; do not edit. Graph\n",
            model.workflow())
        .add("hash {@code $L}.\n", graphHash)
        .build();
  }

  private CodeBlock graphInitializer() {
    CodeBlock.Builder plans = CodeBlock.builder();
    for (int i = 0; i < model.entryPoints().size(); i++) {
      plans.add(i == 0 ? "$L()" : ", $L()", planMethodName(model.entryPoints().get(i)));
    }
    return CodeBlock.builder()
        .add("new $T(\n", Types.WORKFLOW_GRAPH)
        .indent()
        .indent()
        .add(
            "$S,\n$S,\n$T.of($L),\n$S)",
            model.workflow().canonicalName(),
            graphHash,
            Types.LIST,
            plans.build(),
            mermaid)
        .unindent()
        .unindent()
        .build();
  }

  private static String planMethodName(WorkflowModel.Plan plan) {
    return plan.entryPoint().method() + "Plan";
  }

  private MethodSpec planMethod(WorkflowModel.Plan plan) {
    EntryPointModel entry = plan.entryPoint();
    CodeBlock.Builder inputs = CodeBlock.builder();
    List<EntryPointModel.Input> in = entry.inputs();
    for (int i = 0; i < in.size(); i++) {
      inputs.add(i == 0 ? "$S" : ", $S", in.get(i).key().toString());
    }
    CodeBlock.Builder body =
        CodeBlock.builder()
            .add("return new $T(\n", Types.ENTRY_POINT_PLAN)
            .indent()
            .indent()
            .add(
                "$S,\n$S,\n$T.of($L),\n$T.of(\n",
                model.workflow().canonicalName(),
                entry.method(),
                Types.LIST,
                inputs.build(),
                Types.LIST)
            .indent()
            .indent();
    for (int k = 0; k < plan.steps().size(); k++) {
      body.add(stepInPlan(plan.steps().get(k), plan.inputSlots().get(k), plan.afterSteps().get(k)));
      body.add(k == plan.steps().size() - 1 ? "),\n" : ",\n");
    }
    if (plan.steps().isEmpty()) {
      body.add("),\n");
    }
    body.unindent()
        .unindent()
        .add(
            "$L,\n$L,\n$S",
            plan.outputSlot(),
            CodeBlocks.duration(model.deadline()),
            plan.graphHash());
    boolean inputCodecs = entry.inputCodecs() != null && !entry.inputCodecs().isEmpty();
    if (inputCodecs || entry.outputCodec() != null) {
      CodeBlock.Builder codecs = CodeBlock.builder();
      for (int i = 0; inputCodecs && i < entry.inputCodecs().size(); i++) {
        codecs.add(i == 0 ? "$L" : ", $L", entry.inputCodecs().get(i));
      }
      body.add(
          ",\n$T.of($L),\n$L",
          Types.LIST,
          codecs.build(),
          entry.outputCodec() != null ? entry.outputCodec() : CodeBlock.of("null"));
    }
    body.add(");\n").unindent().unindent();
    return MethodSpec.methodBuilder(planMethodName(plan))
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Types.ENTRY_POINT_PLAN)
        .addCode(body.build())
        .build();
  }

  /** {@code extractStep().inputs(0).build()}: where the step sits in one plan. */
  private CodeBlock stepInPlan(int stepIndex, int[] inputs, int[] after) {
    CodeBlock.Builder b = CodeBlock.builder().add("$L()", stepMethodName(stepIndex));
    if (inputs.length > 0) {
      b.add(".inputs($L)", CodeBlocks.ints(inputs));
    }
    if (after.length > 0) {
      b.add(".after($L)", CodeBlocks.ints(after));
    }
    return b.add(".build()").build();
  }

  /** The step's name as a method name: {@code extractStep}, {@code ocrExtractStep}. */
  private String stepMethodName(int stepIndex) {
    return stepMethodNames.get(stepIndex);
  }

  /** {@link #stepMethodName}, given the earlier steps' names stripped to word characters. */
  private String stepMethodName(int stepIndex, List<String> strippedBefore) {
    String name = model.steps().get(stepIndex).name();
    StringBuilder id = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (Character.isJavaIdentifierPart(c) && c != '$') {
        id.append(
            upper ? Character.toUpperCase(c) : (id.length() == 0 ? Character.toLowerCase(c) : c));
        upper = false;
      } else {
        upper = id.length() > 0;
      }
    }
    if (id.length() == 0 || !Character.isJavaIdentifierStart(id.charAt(0))) {
      id.insert(0, "step");
    }
    // Step names are unique, but two may sanitize alike ("a-b", "a_b"): suffix with the index.
    for (String earlier : strippedBefore) {
      if (earlier.equalsIgnoreCase(id.toString())) {
        id.append(stepIndex);
        break;
      }
    }
    return id + "Step";
  }

  /** The step's descriptor, without its place in a plan (slots and after-edges). */
  private MethodSpec stepMethod(int stepIndex) {
    StepModel step = model.steps().get(stepIndex);
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add("return $T.builder($S)\n", Types.STEP_DESCRIPTOR, step.name())
            .indent()
            .indent()
            .add(".declaredBy($S)\n", step.declaredBy())
            .add(".produces($S)", step.produces().toString());
    if (step.async()) {
      b.add("\n.async()");
    }
    if (!step.critical()) {
      b.add("\n.nonCritical($L)", step.neutralDefault());
    }
    if (step.fallback() != null) {
      b.add("\n.fallback()");
    }
    Policies.Retry r = step.retry();
    if (r != null) {
      b.add(
          "\n.retry(new $T($L, $L, $L, $L, $L, $L, $L, $L))",
          Types.RETRY_POLICY,
          r.maxAttempts(),
          CodeBlocks.duration(r.delay()),
          CodeBlocks.decimal(r.multiplier()),
          CodeBlocks.duration(r.maxDelay()),
          CodeBlocks.decimal(r.jitter()),
          CodeBlocks.classList(r.retryOn()),
          CodeBlocks.classList(r.abortOn()),
          CodeBlocks.duration(r.maxDuration()));
    }
    b.add(
        "\n.timeout($L)",
        CodeBlocks.duration(step.timeout() != null ? step.timeout() : model.defaultTimeout()));
    Policies.Breaker cb = step.breaker();
    if (cb != null) {
      if (cb.rateBased()) {
        b.add(
            "\n.circuitBreaker(new $T($S, $L, $L, $L, $L, $L, $L, $L))",
            Types.BREAKER_POLICY,
            cb.name(),
            cb.failureThreshold(),
            CodeBlocks.duration(cb.openFor()),
            cb.halfOpenTrials(),
            cb.failureRatio(),
            cb.window(),
            CodeBlocks.classList(cb.failOn()),
            CodeBlocks.classList(cb.skipOn()));
      } else {
        b.add(
            "\n.circuitBreaker(new $T($S, $L, $L, $L, $L, $L))",
            Types.BREAKER_POLICY,
            cb.name(),
            cb.failureThreshold(),
            CodeBlocks.duration(cb.openFor()),
            cb.halfOpenTrials(),
            CodeBlocks.classList(cb.failOn()),
            CodeBlocks.classList(cb.skipOn()));
      }
    }
    if (step.codec() != null) {
      b.add("\n.checkpointed($L)", step.codec());
    }
    if (step.compensation() != null) {
      b.add("\n.compensated()");
    }
    if (step.nullOutput() == StepModel.NullOutput.ALLOWED) {
      b.add("\n.nullable()");
    } else if (step.nullOutput() == StepModel.NullOutput.EMPTY_OPTIONAL) {
      b.add("\n.emptyWhenNull()");
    }
    b.add(";\n").unindent().unindent();
    return MethodSpec.methodBuilder(stepMethodName(stepIndex))
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Types.STEP_DESCRIPTOR.nestedClass("Builder"))
        .addJavadoc(
            "Step {@code $L}: {@link $T#$L}.\n",
            step.name(),
            model.agents().get(step.agentIndex()),
            step.method())
        .addCode(b.build())
        .build();
  }

  private MethodSpec constructor() {
    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addAnnotation(Types.INJECT)
            .addJavadoc(
                "Binds the workflow's steps to the given agents, to run on {@code runtime}.\n");
    for (int i = 0; i < model.agents().size(); i++) {
      ctor.addParameter(model.agents().get(i), model.agentFields().get(i));
    }
    ctor.addParameter(Types.FIREBREAK_RUNTIME, "runtime");
    for (String field : model.agentFields()) {
      ctor.addStatement("$T.requireNonNull($L, $S)", Types.OBJECTS, field, field);
    }
    ctor.addStatement("$T.requireNonNull(runtime, $S)", Types.OBJECTS, "runtime");
    uncheckedCasts = false;
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      CodeBlock.Builder bindings = CodeBlock.builder();
      for (int k = 0; k < plan.steps().size(); k++) {
        bindings.add(k == 0 ? "\n$L" : ",\n$L", binding(plan, k));
      }
      ctor.addCode(
          CodeBlock.builder()
              .add(
                  "this.$L = runtime.bind(GRAPH.entryPoint($S), $T.of(",
                  plan.entryPoint().method(),
                  plan.entryPoint().method(),
                  Types.LIST)
              .indent()
              .indent()
              .add(bindings.build())
              .unindent()
              .unindent()
              .add("));\n")
              .build());
    }
    if (uncheckedCasts) {
      ctor.addAnnotation(
          AnnotationSpec.builder(SuppressWarnings.class)
              .addMember("value", "$S", "unchecked")
              .build());
    }
    return ctor.build();
  }

  private CodeBlock binding(WorkflowModel.Plan plan, int k) {
    StepModel step = model.steps().get(plan.steps().get(k));
    int[] slots = plan.inputSlots().get(k);
    String agent = model.agentFields().get(step.agentIndex());
    // Slot of each step parameter (context parameters have none).
    int[] parameterSlots = new int[step.parameters().size()];
    for (int p = 0, d = 0; p < step.parameters().size(); p++) {
      parameterSlots[p] = step.parameters().get(p).context() ? -1 : slots[d++];
    }
    CodeBlock.Builder args = CodeBlock.builder();
    for (int p = 0; p < step.parameters().size(); p++) {
      StepModel.Parameter parameter = step.parameters().get(p);
      args.add(p == 0 ? "" : ", ");
      args.add(
          parameter.context()
              ? CodeBlock.of("ctx")
              : slotRead(parameter.type(), parameterSlots[p]));
    }
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add(
                "$T.$L((s, ctx) -> $L.$L($L))",
                Types.STEP_BINDING,
                step.async() ? "async" : "sync",
                agent,
                step.method(),
                args.build());
    b.indent().indent();
    if (step.fallback() != null) {
      b.add(
          "\n.$L((s, failure) -> $L.$L($L))",
          step.fallback().returnsStage() ? "asyncFallback" : "fallback",
          agent,
          step.fallback().method(),
          callArguments(step, step.fallback(), parameterSlots));
    }
    if (step.compensation() != null) {
      b.add(
          "\n.compensation((out, s, ctx) -> $L.$L($L))",
          agent,
          step.compensation().method(),
          callArguments(step, step.compensation(), parameterSlots));
    }
    return b.unindent().unindent().build();
  }

  private CodeBlock callArguments(StepModel step, StepModel.Call call, int[] parameterSlots) {
    CodeBlock.Builder args = CodeBlock.builder();
    for (int a = 0; a < call.arguments().size(); a++) {
      StepModel.Argument argument = call.arguments().get(a);
      args.add(a == 0 ? "" : ", ");
      switch (argument.kind()) {
        case OUTPUT:
          args.add(cast(step.primitive() ? step.producedType() : step.producedType(), "out"));
          break;
        case FAILURE:
          args.add("failure");
          break;
        case CONTEXT:
          args.add("ctx");
          break;
        default:
          args.add(
              slotRead(
                  step.parameters().get(argument.parameterIndex()).type(),
                  parameterSlots[argument.parameterIndex()]));
      }
    }
    return args.build();
  }

  private CodeBlock slotRead(TypeName type, int slot) {
    return cast(type, "s[" + slot + "]");
  }

  private CodeBlock cast(TypeName type, String expression) {
    if (type instanceof ParameterizedTypeName) {
      uncheckedCasts = true;
    }
    if (type.equals(TypeName.OBJECT)) {
      return CodeBlock.of("$L", expression);
    }
    return CodeBlock.of("($T) $L", type, expression);
  }

  private MethodSpec entryPoint(EntryPointModel entry) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(entry.method())
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(returnType(entry));
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < entry.parameters().size(); i++) {
      EntryPointModel.Input p = entry.parameters().get(i);
      m.addParameter(p.type(), p.name());
      if (i != entry.runIdParameter()) {
        inputs.add(p.name());
      }
    }
    String runner;
    switch (entry.shape()) {
      case RESULT:
        runner = "runForResult";
        break;
      case STAGE:
        runner = "runAsync";
        break;
      case STAGE_OF_RESULT:
        runner = "runAsyncForResult";
        break;
      default:
        runner = "run";
    }
    String runId = "null";
    if (entry.runIdParameter() >= 0) {
      // A null @RunId would silently start a fresh run each call: the caller meant to name one.
      runId = entry.parameters().get(entry.runIdParameter()).name();
      m.addStatement(
          "$T.requireNonNull($L, $S)",
          Objects.class,
          runId,
          "@RunId "
              + runId
              + " of "
              + entry.method()
              + " is null: pass the run's id (an entry point without"
              + " @RunId generates one)");
    }
    return m.addStatement(
            "return $L.$L($L, new Object[] {$L})",
            entry.method(),
            runner,
            runId,
            String.join(", ", inputs))
        .build();
  }

  private TypeName returnType(EntryPointModel entry) {
    TypeName output = entry.outputType();
    ClassName result = ClassName.get(Types.RUNTIME_PACKAGE, "WorkflowResult");
    ClassName stage = ClassName.get("java.util.concurrent", "CompletionStage");
    switch (entry.shape()) {
      case RESULT:
        return ParameterizedTypeName.get(result, output.box());
      case STAGE:
        return ParameterizedTypeName.get(stage, output.box());
      case STAGE_OF_RESULT:
        return ParameterizedTypeName.get(stage, ParameterizedTypeName.get(result, output.box()));
      default:
        return output;
    }
  }

  private ClassName builderName() {
    return model.generated().nestedClass("Builder");
  }

  private TypeSpec builder() {
    TypeSpec.Builder b =
        TypeSpec.classBuilder(builderName())
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "Builds a {@link $T} without dependency injection: set every agent and the runtime.\n",
                model.generated());
    b.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    List<String> fields = new ArrayList<>(model.agentFields());
    List<TypeName> types = new ArrayList<>(model.agents());
    fields.add("runtime");
    types.add(Types.FIREBREAK_RUNTIME);
    for (int i = 0; i < fields.size(); i++) {
      b.addField(types.get(i), fields.get(i), Modifier.PRIVATE);
      b.addMethod(
          MethodSpec.methodBuilder(fields.get(i))
              .addModifiers(Modifier.PUBLIC)
              .returns(builderName())
              .addParameter(types.get(i), fields.get(i))
              .addStatement("this.$L = $L", fields.get(i), fields.get(i))
              .addStatement("return this")
              .build());
    }
    return b.addMethod(
            MethodSpec.methodBuilder("build")
                .addModifiers(Modifier.PUBLIC)
                .returns(model.generated())
                .addJavadoc(
                    "@throws NullPointerException naming the agent or runtime that was not set\n")
                .addStatement("return new $T($L)", model.generated(), String.join(", ", fields))
                .build())
        .build();
  }

  static String constantName(String s) {
    return Names.constantCase(s);
  }
}
