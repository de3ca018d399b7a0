package dev.firebreak.processor.writing;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.NameAllocator;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import dev.firebreak.processor.base.RuntimeNames;
import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code Firebreak<Workflow>}: the static graph descriptor and each entry point's plan, an
 * {@code @Inject} constructor binding each step to the private method that calls its agent (no
 * reflection at run time), the entry points, the slot layout ({@link SlotLayout}), the steps'
 * methods ({@link StepWriter}), the checkpoint codecs of record types ({@link CodecWriter}) and a
 * builder for code without DI.
 */
public final class OrchestratorWriter {
  /** Where generated code is documented (no URL is invented: the project has no site yet). */
  static final String DOCS = "Firebreak orchestrator; see the README section \"Generated code\"";

  private final WorkflowModel model;
  private final ClassName workflow;
  private final ClassName generated;
  private final List<TypeName> agents;
  private final String graphHash;
  private final String mermaid;
  private final SlotLayout slots;
  private final MemberNames names;
  private final StepWriter steps;
  private final CodecExpressions codecs;
  private final DispatchWriter dispatches;

  public OrchestratorWriter(WorkflowModel model, String graphHash, String mermaid) {
    this.model = model;
    this.workflow = ClassName.get(model.workflow());
    this.generated = generatedName(model);
    this.agents = model.agents().stream().map(TypeName::get).toList();
    this.graphHash = graphHash;
    this.mermaid = mermaid;
    this.slots = new SlotLayout(model, generated);
    this.names = new MemberNames(model);
    this.codecs = new CodecExpressions(CodecWriter.className(generated));
    this.steps = new StepWriter(model, agents, slots, names, codecs);
    this.dispatches = new DispatchWriter(model, generated, agents, steps, codecs);
  }

  /**
   * How the orchestrator holds agent {@code i}: itself, or for a {@code @Remotable} agent a {@code
   * Provider} of it, resolved only when the agent runs in process.
   */
  private TypeName held(int i) {
    return model.isRemotable(i)
        ? ParameterizedTypeName.get(Types.PROVIDER, agents.get(i))
        : agents.get(i);
  }

  /** {@code Firebreak<Outer>_<Workflow>}, in the workflow's package. */
  public static ClassName generatedName(WorkflowModel model) {
    return ClassName.get(model.generatedPackage(), model.generatedName());
  }

  public JavaFile write() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(generated)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(workflow)
            .addAnnotation(
                AnnotationSpec.builder(Types.GENERATED)
                    .addMember("value", "$S", RuntimeNames.PROCESSOR)
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
    for (int i = 0; i < agents.size(); i++) {
      type.addField(held(i), model.agentFields().get(i), Modifier.PRIVATE, Modifier.FINAL);
    }
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
    for (int i = 0; i < agents.size(); i++) {
      if (model.isRemotable(i)) {
        type.addMethod(dispatches.factory(i));
      }
    }
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      type.addMethod(entryPoint(plan.entryPoint()));
    }
    for (int e = 0; e < model.entryPoints().size(); e++) {
      type.addMethod(planMethod(e));
    }
    // Steps no entry point needs were warned about and are not part of any plan.
    planSteps().forEach(i -> type.addMethods(steps.methods(i)));
    type.addType(slots.type());
    if (!model.codecs().isEmpty()) {
      type.addType(new CodecWriter(generated, model.codecs(), codecs).write());
    }
    for (int i = 0; i < agents.size(); i++) {
      if (model.isRemotable(i)) {
        type.addType(dispatches.type(i));
      }
    }
    type.addType(builder());
    return JavaFile.builder(generated.packageName(), type.build())
        .skipJavaLangImports(true)
        .indent("  ")
        .build();
  }

  private CodeBlock classJavadoc() {
    CodeBlock.Builder doc = CodeBlock.builder().add("Runs {@link $T} over the steps of ", workflow);
    for (int i = 0; i < agents.size(); i++) {
      doc.add(
          i == 0 ? "{@link $T}" : (i == agents.size() - 1 ? " and {@link $T}" : ", {@link $T}"),
          agents.get(i));
    }
    return doc.add(
            ", with their retry, timeout, circuit-breaker, degradation, checkpoint and compensation\n")
        .add("policies.\n\n")
        .add(
            "<p>Generated by firebreak-processor $L from {@link $T}; do not edit. Graph\n",
            GeneratedFormat.PROCESSOR_VERSION,
            workflow)
        .add("hash {@code $L}.\n", graphHash)
        .build();
  }

  private CodeBlock graphInitializer() {
    CodeBlock.Builder plans = CodeBlock.builder();
    for (int i = 0; i < model.entryPoints().size(); i++) {
      plans.add(i == 0 ? "$L()" : ", $L()", names.plan(i));
    }
    return CodeBlock.builder()
        .add("new $T(\n", Types.WORKFLOW_GRAPH)
        .indent()
        .indent()
        .add(
            "$S,\n$S,\n$T.of($L),\n$S)\n",
            workflow.canonicalName(),
            graphHash,
            Types.LIST,
            plans.build(),
            mermaid)
        .add(".generatedBy($S, $L)", GeneratedFormat.PROCESSOR_VERSION, GeneratedFormat.FORMAT)
        .unindent()
        .unindent()
        .build();
  }

  /** The steps some entry point runs, in declaration order. */
  private List<Integer> planSteps() {
    return model.entryPoints().stream()
        .flatMap(p -> p.steps().stream())
        .distinct()
        .sorted()
        .toList();
  }

  /** {@code EntryPointPlan.builder(…)…build()}: the entry point's inputs, steps and output. */
  private MethodSpec planMethod(int e) {
    WorkflowModel.Plan plan = model.entryPoints().get(e);
    EntryPointModel entry = plan.entryPoint();
    CodeBlock.Builder body =
        CodeBlock.builder()
            .add(
                "return $T.builder($S, $S)\n",
                Types.ENTRY_POINT_PLAN,
                workflow.canonicalName(),
                entry.method())
            .indent()
            .indent();
    List<EntryPointModel.Input> inputs = entry.inputs();
    boolean stored = entry.inputCodecs() != null && !entry.inputCodecs().isEmpty();
    for (int k = 0; k < inputs.size(); k++) {
      CodeBlock slot = slots.ref(slots.ofInput(inputs.get(k).key()));
      if (stored) {
        body.add(
            ".input($S, $L, $L)\n",
            inputs.get(k).key().toString(),
            slot,
            codecs.of(entry.inputCodecs().get(k)));
      } else {
        body.add(".input($S, $L)\n", inputs.get(k).key().toString(), slot);
      }
    }
    CodeBlock.Builder planSteps = CodeBlock.builder();
    for (int k = 0; k < plan.steps().size(); k++) {
      planSteps.add(k == 0 ? "$L()" : ", $L()", names.descriptor(plan.steps().get(k)));
    }
    if (!plan.steps().isEmpty()) {
      body.add(".steps($L)\n", planSteps.build());
    }
    CodeBlock output = slots.ref(slots.of(plan, plan.outputSlot()));
    if (entry.outputCodec() != null) {
      body.add(".output($L, $L)\n", output, codecs.of(entry.outputCodec()));
    } else {
      body.add(".output($L)\n", output);
    }
    body.add(".slots($L)\n", slots.count());
    if (model.deadline() != null) {
      body.add(".deadline($L)\n", CodeBlocks.duration(model.deadline()));
    }
    body.add(".graphHash($S)\n", plan.graphHash()).add(".build();\n").unindent().unindent();
    return MethodSpec.methodBuilder(names.plan(e))
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Types.ENTRY_POINT_PLAN)
        .addCode(body.build())
        .build();
  }

  private MethodSpec constructor() {
    MethodSpec.Builder ctor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addAnnotation(Types.INJECT)
            .addJavadoc(
                "Binds the workflow's steps to the given agents, to run on {@code runtime}.\n");
    NameAllocator locals = new NameAllocator();
    for (int i = 0; i < agents.size(); i++) {
      String field = model.agentFields().get(i);
      ctor.addParameter(held(i), field);
      locals.newName(field, "agent" + i);
    }
    ctor.addParameter(Types.FIREBREAK_RUNTIME, "runtime");
    locals.newName("runtime", "runtime");
    for (String field : model.agentFields()) {
      ctor.addStatement("this.$L = $T.requireNonNull($L, $S)", field, Types.OBJECTS, field, field);
    }
    ctor.addStatement("$T.requireNonNull(runtime, $S)", Types.OBJECTS, "runtime");
    for (int i : planSteps()) {
      ctor.addStatement(
          "$T $L = $L",
          Types.STEP_BINDING,
          locals.newName(names.call(i), "binding" + i),
          steps.binding(i));
    }
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      CodeBlock.Builder bindings = CodeBlock.builder();
      for (int k = 0; k < plan.steps().size(); k++) {
        bindings.add(k == 0 ? "$L" : ", $L", locals.get("binding" + plan.steps().get(k)));
      }
      ctor.addStatement(
          "this.$L = runtime.bind(GRAPH, $S, $T.of($L))",
          plan.entryPoint().method(),
          plan.entryPoint().method(),
          Types.LIST,
          bindings.build());
    }
    return ctor.build();
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
      m.addParameter(TypeName.get(p.type()), p.name());
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
            "return this.$L.$L($L, new Object[] {$L})",
            entry.method(),
            runner,
            runId,
            String.join(", ", inputs))
        .build();
  }

  private TypeName returnType(EntryPointModel entry) {
    TypeName output = TypeName.get(entry.outputType());
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
    return generated.nestedClass("Builder");
  }

  private TypeSpec builder() {
    TypeSpec.Builder b =
        TypeSpec.classBuilder(builderName())
            .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "Builds a {@link $T} without dependency injection: set every agent and the runtime.\n",
                generated);
    b.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    List<String> fields = new ArrayList<>(model.agentFields());
    List<TypeName> types = new ArrayList<>();
    for (int i = 0; i < agents.size(); i++) {
      types.add(held(i));
    }
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
                .returns(generated)
                .addJavadoc(
                    "@throws NullPointerException naming the agent or runtime that was not set\n")
                .addStatement("return new $T($L)", generated, String.join(", ", fields))
                .build())
        .build();
  }
}
