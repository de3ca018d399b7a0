package dev.firebreak.processor.model;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.TypeName;
import java.util.List;

/**
 * A record codec the orchestrator declares as a constant.
 *
 * @param constant the constant's name
 * @param record the record type
 * @param components its components, in declaration order
 */
public record CodecModel(String constant, ClassName record, List<Component> components) {

  /**
   * A record component.
   *
   * @param name its name (the JSON field and the accessor)
   * @param type its declared type
   * @param codec an expression of its codec (boxed for primitives)
   * @param missing the value used when the field is absent: neutral for its type
   */
  public record Component(String name, TypeName type, CodeBlock codec, CodeBlock missing) {}
}
