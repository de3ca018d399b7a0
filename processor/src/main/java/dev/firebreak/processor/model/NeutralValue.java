package dev.firebreak.processor.model;

import javax.lang.model.type.TypeKind;

/**
 * The value a type takes when there is none: what a failed non-critical step yields and what a
 * checkpoint field that is missing decodes to.
 *
 * @param kind which neutral value
 * @param primitive for {@link Kind#ZERO}, the primitive's kind
 */
public record NeutralValue(Kind kind, TypeKind primitive) {
  /** The neutral values there are. */
  public enum Kind {
    NULL,
    EMPTY_LIST,
    EMPTY_SET,
    EMPTY_MAP,
    EMPTY_OPTIONAL,
    /** A primitive's zero: {@code 0}, {@code false}, {@code '\0'}… */
    ZERO
  }

  public static final NeutralValue NULL = new NeutralValue(Kind.NULL, null);

  public static NeutralValue of(Kind kind) {
    return new NeutralValue(kind, null);
  }

  public static NeutralValue zero(TypeKind primitive) {
    return new NeutralValue(Kind.ZERO, primitive);
  }
}
