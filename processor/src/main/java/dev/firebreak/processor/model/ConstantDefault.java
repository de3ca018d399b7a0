package dev.firebreak.processor.model;

import javax.lang.model.type.TypeMirror;

/**
 * The constant a non-critical step yields when it has failed for good, parsed at compile time from
 * {@code @Critical(orElse)}.
 *
 * @param type the step's output type
 * @param value the parsed value: a box for a primitive or its box, a {@code String}, {@code
 *     BigDecimal}, {@code BigInteger}, {@code java.time} value, {@code Duration} or {@code UUID};
 *     for an enum, the constant's name
 * @param enumConstant whether {@code value} names a constant of the enum {@code type}
 * @param stated the element's text, as the user wrote it
 */
public record ConstantDefault(TypeMirror type, Object value, boolean enumConstant, String stated) {}
