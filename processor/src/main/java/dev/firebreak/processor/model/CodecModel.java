package dev.firebreak.processor.model;

import java.util.List;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/**
 * A record codec the orchestrator declares as a constant.
 *
 * @param constant the constant's name
 * @param record the record type
 * @param components its components, in declaration order
 */
public record CodecModel(String constant, TypeElement record, List<Component> components) {

  /**
   * A record component.
   *
   * @param name its name (the JSON field and the accessor)
   * @param type its declared type
   * @param codec how it is encoded
   * @param missing the value used when the field is absent: neutral for its type
   */
  public record Component(String name, TypeMirror type, CodecPlan codec, NeutralValue missing) {}
}
