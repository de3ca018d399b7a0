package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import com.squareup.javapoet.WildcardTypeName;
import dev.firebreak.processor.model.StepModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes, for each {@code @Remotable} agent, the worker's view of it: a nested {@code
 * <Agent>Dispatch implements AgentDispatch} with the codecs of each step's parameters and output
 * and the calls of its methods by step name ({@link DispatchCalls}), and a static {@code
 * <agent>Dispatch(agent)} factory.
 */
final class DispatchWriter {
  private final WorkflowModel model;
  private final ClassName generated;
  private final List<TypeName> agents;
  private final StepWriter steps;
  private final CodecExpressions codecs;

  DispatchWriter(
      WorkflowModel model,
      ClassName generated,
      List<TypeName> agents,
      StepWriter steps,
      CodecExpressions codecs) {
    this.model = model;
    this.generated = generated;
    this.agents = agents;
    this.steps = steps;
    this.codecs = codecs;
  }

  private ClassName className(int agent) {
    TypeName type = agents.get(agent);
    String simple = ((ClassName) type).simpleName();
    return generated.nestedClass(simple + "Dispatch");
  }

  /** {@code public static AgentDispatch ocrAgentDispatch(OcrAgent agent)}. */
  MethodSpec factory(int agent) {
    String field = model.agentFields().get(agent);
    return MethodSpec.methodBuilder(field + "Dispatch")
        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
        .returns(Types.AGENT_DISPATCH)
        .addParameter(agents.get(agent), "agent")
        .addJavadoc(
            "The steps of {@link $T} as a worker serves them: pass it to {@code"
                + " FirebreakWorker.Builder#agent}.\n",
            agents.get(agent))
        .addStatement("return new $T(agent)", className(agent))
        .build();
  }

  /** The nested dispatch class of agent {@code agent}. */
  TypeSpec type(int agent) {
    ClassName name = className(agent);
    TypeName agentType = agents.get(agent);
    List<StepModel> own =
        model.steps().stream().filter(s -> s.agentIndex() == agent && s.remote() != null).toList();
    TypeName codec =
        ParameterizedTypeName.get(Types.CHECKPOINT_CODEC, WildcardTypeName.subtypeOf(Object.class));
    CodeBlock.Builder names = CodeBlock.builder();
    CodeBlock.Builder inputs = CodeBlock.builder().beginControlFlow("switch (step)");
    CodeBlock.Builder outputs = CodeBlock.builder().beginControlFlow("switch (step)");
    for (int k = 0; k < own.size(); k++) {
      StepModel step = own.get(k);
      names.add(k == 0 ? "$S" : ", $S", step.name());
      inputs.add("case $S:\n", step.name()).indent();
      inputs.addStatement("return $L", steps.codecList(step.remote().inputs())).unindent();
      outputs.add("case $S:\n", step.name()).indent();
      outputs.addStatement("return $L", codecs.of(step.remote().output())).unindent();
    }
    inputs.add("default:\n").indent().addStatement("return null").unindent().endControlFlow();
    outputs
        .add("default:\n")
        .indent()
        .addStatement("throw new $T(noStep(step))", IllegalArgumentException.class)
        .unindent()
        .endControlFlow();
    TypeSpec.Builder type =
        TypeSpec.classBuilder(name)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addSuperinterface(Types.AGENT_DISPATCH)
            .addJavadoc("The steps of {@link $T}, called by name for a worker.\n", agentType)
            .addField(agentType, "agent", Modifier.PRIVATE, Modifier.FINAL)
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addParameter(agentType, "agent")
                    .addStatement(
                        "this.agent = $T.requireNonNull(agent, $S)", Types.OBJECTS, "agent")
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("agent")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(String.class)
                    .addStatement("return $S", agentType.toString())
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("steps")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(ParameterizedTypeName.get(Types.LIST, TypeName.get(String.class)))
                    .addStatement("return $T.of($L)", Types.LIST, names.build())
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("inputCodecs")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(ParameterizedTypeName.get(Types.LIST, codec))
                    .addParameter(String.class, "step")
                    .addCode(inputs.build())
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("outputCodec")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(codec)
                    .addParameter(String.class, "step")
                    .addCode(outputs.build())
                    .build())
            .addMethod(DispatchCalls.call(own));
    if (DispatchCalls.any(own, StepModel::fallback)) {
      type.addMethod(DispatchCalls.fallback(own));
    }
    if (DispatchCalls.any(own, StepModel::compensation)) {
      type.addMethod(DispatchCalls.compensate(own));
    }
    return type.addMethod(
            MethodSpec.methodBuilder("noStep")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(String.class)
                .addParameter(String.class, "step")
                .addStatement("return $S + step", "agent " + agentType + " has no step ")
                .build())
        .build();
  }
}
