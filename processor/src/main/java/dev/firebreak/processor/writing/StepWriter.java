package dev.firebreak.processor.writing;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import dev.firebreak.processor.model.CodecPlan;
import dev.firebreak.processor.model.Policies;
import dev.firebreak.processor.model.StepModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes what the orchestrator holds per step: its descriptor (a static method building the
 * runtime's {@code StepDescriptor}, policies by name), and the private methods the runtime calls —
 * the step, its fallback and its compensation — each reading its arguments from the run's slots by
 * name. A stack trace through a step shows the method named after it.
 */
final class StepWriter {
  private final WorkflowModel model;
  private final List<TypeName> agents;
  private final SlotLayout slots;
  private final MemberNames names;
  private final CodecExpressions codecs;

  StepWriter(
      WorkflowModel model,
      List<TypeName> agents,
      SlotLayout slots,
      MemberNames names,
      CodecExpressions codecs) {
    this.model = model;
    this.agents = agents;
    this.slots = slots;
    this.names = names;
    this.codecs = codecs;
  }

  /** The methods of step {@code i}: its call, fallback and compensation, then its descriptor. */
  List<MethodSpec> methods(int i) {
    StepModel step = model.steps().get(i);
    List<MethodSpec> methods = new ArrayList<>();
    methods.add(call(i, step));
    if (step.fallback() != null) {
      methods.add(fallback(i, step));
    }
    if (step.compensation() != null) {
      methods.add(compensation(i, step));
    }
    methods.add(descriptor(i, step));
    return methods;
  }

  /** {@code StepBinding.sync(this::extract)}, with its fallback and compensation. */
  CodeBlock binding(int i) {
    StepModel step = model.steps().get(i);
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add(
                "$T.$L(this::$L)",
                Types.STEP_BINDING,
                step.async() ? "async" : "sync",
                names.call(i));
    if (step.fallback() != null) {
      b.add(
          ".$L(this::$L)",
          step.fallback().returnsStage() ? "asyncFallback" : "fallback",
          names.fallback(i));
    }
    if (step.compensation() != null) {
      b.add(".compensation(this::$L)", names.compensation(i));
    }
    if (step.remote() != null) {
      b.add(
          "\n.remotable(new $T($S, $L, $L))",
          Types.REMOTABLE,
          agents.get(step.agentIndex()).toString(),
          codecList(step.remote().inputs()),
          codecs.of(step.remote().output()));
    }
    return b.build();
  }

  private MethodSpec call(int i, StepModel step) {
    Reads reads = new Reads();
    CodeBlock.Builder args = CodeBlock.builder();
    for (int p = 0; p < step.parameters().size(); p++) {
      args.add(p == 0 ? "" : ", ");
      args.add(argument(i, p, reads));
    }
    return method(
            names.call(i), reads, "Step {@code $L}: calls {@link $T#$L}.\n", step, step.method())
        .returns(outputType(step, step.async()))
        .addParameter(Object[].class, "s")
        .addParameter(Types.STEP_CONTEXT, "ctx")
        .addStatement("return this.$L.$L($L)", agent(step), step.method(), args.build())
        .build();
  }

  private MethodSpec fallback(int i, StepModel step) {
    Reads reads = new Reads();
    CodeBlock arguments = callArguments(i, step.fallback(), reads);
    return method(
            names.fallback(i),
            reads,
            "Falls back for step {@code $L}: calls {@link $T#$L}.\n",
            step,
            step.fallback().method())
        .returns(outputType(step, step.fallback().returnsStage()))
        .addParameter(Object[].class, "s")
        .addParameter(Throwable.class, "failure")
        .addStatement("return this.$L.$L($L)", agent(step), step.fallback().method(), arguments)
        .build();
  }

  private MethodSpec compensation(int i, StepModel step) {
    Reads reads = new Reads();
    CodeBlock arguments = callArguments(i, step.compensation(), reads);
    return method(
            names.compensation(i),
            reads,
            "Compensates step {@code $L}: calls {@link $T#$L}.\n",
            step,
            step.compensation().method())
        .addParameter(Object.class, "out")
        .addParameter(Object[].class, "s")
        .addParameter(Types.STEP_CONTEXT, "ctx")
        .addStatement("this.$L.$L($L)", agent(step), step.compensation().method(), arguments)
        .build();
  }

  private MethodSpec.Builder method(
      String name, Reads reads, String javadoc, StepModel step, String agentMethod) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(name)
            .addModifiers(Modifier.PRIVATE)
            .addException(Exception.class)
            .addJavadoc(javadoc, step.name(), agents.get(step.agentIndex()), agentMethod);
    if (reads.unchecked) {
      m.addAnnotation(
          AnnotationSpec.builder(SuppressWarnings.class)
              .addMember("value", "$S", "unchecked")
              .build());
    }
    return m;
  }

  /** What a call returns: the step's output type, or a stage of it. */
  private static TypeName outputType(StepModel step, boolean stage) {
    return stage
        ? ParameterizedTypeName.get(Types.COMPLETION_STAGE, TypeName.get(step.producedType()).box())
        : TypeName.get(step.producedType());
  }

  /** {@code List.of(codec, …)}. */
  CodeBlock codecList(List<CodecPlan> plans) {
    CodeBlock.Builder list = CodeBlock.builder().add("$T.of(", Types.LIST);
    for (int k = 0; k < plans.size(); k++) {
      list.add(k == 0 ? "$L" : ", $L", codecs.of(plans.get(k)));
    }
    return list.add(")").build();
  }

  /**
   * The agent of {@code step} as the generated code reaches it: its field, or its provider's get.
   */
  private String agent(StepModel step) {
    String field = model.agentFields().get(step.agentIndex());
    return model.isRemotable(step.agentIndex()) ? field + ".get()" : field;
  }

  /** Parameter {@code p} of step {@code i}: the context, or a read of its slot. */
  private CodeBlock argument(int i, int p, Reads reads) {
    StepModel.Parameter parameter = model.steps().get(i).parameters().get(p);
    return parameter.context()
        ? CodeBlock.of("ctx")
        : reads.cast(
            TypeName.get(parameter.type()), CodeBlock.of("s[$L]", slots.ref(slotOf(i, p))));
  }

  private CodeBlock callArguments(int i, StepModel.Call call, Reads reads) {
    StepModel step = model.steps().get(i);
    CodeBlock.Builder args = CodeBlock.builder();
    for (int a = 0; a < call.arguments().size(); a++) {
      StepModel.Argument argument = call.arguments().get(a);
      args.add(a == 0 ? "" : ", ");
      switch (argument.kind()) {
        case OUTPUT:
          args.add(reads.cast(TypeName.get(step.producedType()), CodeBlock.of("out")));
          break;
        case FAILURE:
          args.add("failure");
          break;
        case CONTEXT:
          args.add("ctx");
          break;
        default:
          args.add(argument(i, argument.parameterIndex(), reads));
      }
    }
    return args.build();
  }

  /**
   * The slot parameter {@code p} of the step reads: the same in every plan that runs the step,
   * since a value's producer, when it has one, is the same for the whole workflow.
   */
  private int slotOf(int index, int p) {
    StepModel step = model.steps().get(index);
    int dependency = 0;
    for (int q = 0; q < p; q++) {
      if (!step.parameters().get(q).context()) {
        dependency++;
      }
    }
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      int k = plan.steps().indexOf(index);
      if (k >= 0) {
        return slots.of(plan, plan.inputSlots().get(k)[dependency]);
      }
    }
    throw new IllegalStateException("step " + step.name() + " is in no plan");
  }

  /** The step's descriptor: what it reads and writes, its policies. */
  private MethodSpec descriptor(int i, StepModel step) {
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add("return $T.builder($S)\n", Types.STEP_DESCRIPTOR, step.name())
            .indent()
            .indent()
            .add(".declaredBy($S)\n", step.declaredBy())
            .add(".produces($S)", step.produces().toString());
    CodeBlock.Builder reads = CodeBlock.builder();
    for (int p = 0, d = 0; p < step.parameters().size(); p++) {
      if (!step.parameters().get(p).context()) {
        reads.add(d++ == 0 ? "$L" : ", $L", slots.ref(slotOf(i, p)));
      }
    }
    if (!reads.isEmpty()) {
      b.add("\n.inputs($L)", reads.build());
    }
    b.add("\n.output($L)", slots.ref(slots.ofStep(i)));
    List<String> after = afterWithoutInputs(step);
    if (!after.isEmpty()) {
      CodeBlock.Builder names = CodeBlock.builder();
      for (int a = 0; a < after.size(); a++) {
        names.add(a == 0 ? "$S" : ", $S", after.get(a));
      }
      b.add("\n.after($L)", names.build());
    }
    if (step.async()) {
      b.add("\n.async()");
    }
    if (step.orElse() != null) {
      b.add("\n.orElse($L)", ConstantExpressions.of(step.orElse()));
    } else if (!step.critical()) {
      b.add("\n.nonCritical($L)", CodecExpressions.neutral(step.neutralDefault()));
    }
    if (step.fallback() != null) {
      b.add("\n.fallback()");
    }
    if (step.retry() != null) {
      b.add("\n.retry($L)", retry(step.retry()));
    }
    b.add(
        "\n.timeout($L)",
        CodeBlocks.duration(step.timeout() != null ? step.timeout() : model.defaultTimeout()));
    if (step.breaker() != null) {
      b.add("\n.circuitBreaker($L)", breaker(step.breaker()));
    }
    if (step.codec() != null) {
      b.add("\n.checkpointed($L)", codecs.of(step.codec()));
    }
    if (step.compensation() != null) {
      b.add("\n.compensated()");
    }
    if (step.nullOutput() == StepModel.NullOutput.ALLOWED) {
      b.add("\n.nullable()");
    } else if (step.nullOutput() == StepModel.NullOutput.EMPTY_OPTIONAL) {
      b.add("\n.emptyWhenNull()");
    }
    b.add("\n.build();\n").unindent().unindent();
    return MethodSpec.methodBuilder(names.descriptor(i))
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .returns(Types.STEP_DESCRIPTOR)
        .addJavadoc(
            "Step {@code $L}: {@link $T#$L}, what it reads and writes, and its policies.\n",
            step.name(),
            agents.get(step.agentIndex()),
            step.method())
        .addCode(b.build())
        .build();
  }

  /**
   * The steps named in {@code @Step(after)} whose output {@code step} does not read anyway: an edge
   * to a step it reads adds nothing (the graph's hash leaves it out too).
   */
  private List<String> afterWithoutInputs(StepModel step) {
    List<String> after = new ArrayList<>();
    for (String name : step.after()) {
      boolean read =
          model.steps().stream()
              .anyMatch(s -> s.name().equals(name) && step.dependencies().contains(s.produces()));
      if (!read && !after.contains(name)) {
        after.add(name);
      }
    }
    return after;
  }

  /** {@code RetryPolicy.builder().maxAttempts(4)…build()}, every element by name. */
  private static CodeBlock retry(Policies.Retry r) {
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add("$T.builder()\n", Types.RETRY_POLICY)
            .indent()
            .indent()
            .add(".maxAttempts($L)\n", r.maxAttempts())
            .add(".delay($L)\n", CodeBlocks.duration(r.delay()))
            .add(".multiplier($L)\n", CodeBlocks.decimal(r.multiplier()))
            .add(".maxDelay($L)\n", CodeBlocks.duration(r.maxDelay()))
            .add(".jitter($L)\n", CodeBlocks.decimal(r.jitter()))
            .add(".retryOn($L)\n", CodeBlocks.classes(r.retryOn()));
    if (!r.abortOn().isEmpty()) {
      b.add(".abortOn($L)\n", CodeBlocks.classes(r.abortOn()));
    }
    if (r.maxDuration() != null) {
      b.add(".maxDuration($L)\n", CodeBlocks.duration(r.maxDuration()));
    }
    return b.add(".build()").unindent().unindent().build();
  }

  /** {@code CircuitBreakerPolicy.builder("ocr-api")…build()}, every element by name. */
  private static CodeBlock breaker(Policies.Breaker cb) {
    CodeBlock.Builder b =
        CodeBlock.builder()
            .add("$T.builder($S)\n", Types.BREAKER_POLICY, cb.name())
            .indent()
            .indent()
            .add(".failureThreshold($L)\n", cb.failureThreshold())
            .add(".openFor($L)\n", CodeBlocks.duration(cb.openFor()))
            .add(".halfOpenTrials($L)\n", cb.halfOpenTrials());
    if (cb.rateBased()) {
      b.add(".failureRatio($L)\n", CodeBlocks.decimal(cb.failureRatio()))
          .add(".window($L)\n", cb.window());
    }
    b.add(".failOn($L)\n", CodeBlocks.classes(cb.failOn()));
    if (!cb.skipOn().isEmpty()) {
      b.add(".skipOn($L)\n", CodeBlocks.classes(cb.skipOn()));
    }
    return b.add(".build()").unindent().unindent().build();
  }

  /** Casts of slot reads; remembers whether one was unchecked. */
  private static final class Reads {
    private boolean unchecked;

    CodeBlock cast(TypeName type, CodeBlock expression) {
      if (type instanceof ParameterizedTypeName) {
        unchecked = true;
      }
      return type.equals(TypeName.OBJECT) ? expression : CodeBlock.of("($T) $L", type, expression);
    }
  }
}
