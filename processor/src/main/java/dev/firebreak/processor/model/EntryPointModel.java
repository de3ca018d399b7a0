package dev.firebreak.processor.model;

import java.util.List;
import javax.lang.model.type.TypeMirror;

/**
 * A validated entry point of a workflow.
 *
 * @param method the method's name
 * @param output the binding it must return
 * @param outputType the output's type T
 * @param shape how the method returns T
 * @param parameters all its parameters, in order
 * @param runIdParameter index of the {@code @RunId} parameter, or -1
 * @param inputCodecs how the graph inputs are encoded, in order; null if one is not encodable
 * @param outputCodec how the output T is encoded; null if it is not encodable
 */
public record EntryPointModel(
    String method,
    BindingKey output,
    TypeMirror outputType,
    Shape shape,
    List<Input> parameters,
    int runIdParameter,
    List<CodecPlan> inputCodecs,
    CodecPlan outputCodec) {

  /** The entry point's return type. */
  public enum Shape {
    PLAIN,
    RESULT,
    STAGE,
    STAGE_OF_RESULT
  }

  /** A parameter: a graph input (key non-null) or the run id. */
  public record Input(String name, TypeMirror type, BindingKey key) {}

  /** The graph inputs, in parameter order, without the run id. */
  public List<Input> inputs() {
    return parameters.stream().filter(p -> p.key() != null).toList();
  }
}
