package dev.firebreak.processor.model;

import javax.lang.model.element.TypeElement;

/**
 * How a checkpointed value is encoded, as validation decided it: the writers turn a plan into the
 * expression of its {@code CheckpointCodec}.
 */
public sealed interface CodecPlan {

  /** One of the runtime's {@code Codecs} constants: {@code STRING}, {@code INT}, {@code BYTES}… */
  record Scalar(String constant) implements CodecPlan {}

  /** A list, set or optional of {@code element}. */
  record Container(Kind kind, CodecPlan element) implements CodecPlan {
    /** The container, named as the runtime's factory method is. */
    public enum Kind {
      LIST,
      SET,
      OPTIONAL
    }
  }

  /** A map with {@code String}, {@code UUID}, {@code Integer}, {@code Long} or enum keys. */
  record MapOf(Key key, CodecPlan value) implements CodecPlan {}

  /** An enum, by constant name. */
  record EnumOf(TypeElement type) implements CodecPlan {}

  /** A record, through the codec the orchestrator declares for it ({@link CodecModel}). */
  record RecordOf(String constant) implements CodecPlan {}

  /** A map key's codec: one of the runtime's {@code KeyCodec} constants, or an enum's. */
  sealed interface Key {
    record Scalar(String constant) implements Key {}

    record EnumOf(TypeElement type) implements Key {}
  }

  /** Whether the plan is built from others (its expression is worth a constant of its own). */
  default boolean isComposite() {
    return this instanceof Container || this instanceof MapOf || this instanceof EnumOf;
  }
}
