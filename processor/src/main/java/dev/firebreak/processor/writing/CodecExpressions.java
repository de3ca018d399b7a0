package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import dev.firebreak.processor.model.CodecPlan;
import dev.firebreak.processor.model.NeutralValue;

/** The expressions of codec plans and neutral values, as generated code writes them. */
final class CodecExpressions {
  private final ClassName checkpoints;

  /**
   * @param checkpoints the orchestrator's nested class that declares the record codecs
   */
  CodecExpressions(ClassName checkpoints) {
    this.checkpoints = checkpoints;
  }

  /** {@code Codecs.list(Checkpoints.LINE_CODEC)} and the like. */
  CodeBlock of(CodecPlan plan) {
    if (plan instanceof CodecPlan.Scalar scalar) {
      return CodeBlock.of("$T.$L", Types.CODECS, scalar.constant());
    }
    if (plan instanceof CodecPlan.Container container) {
      return CodeBlock.of(
          "$T.$L($L)",
          Types.CODECS,
          container.kind().name().toLowerCase(),
          of(container.element()));
    }
    if (plan instanceof CodecPlan.MapOf map) {
      return CodeBlock.of("$T.map($L, $L)", Types.CODECS, key(map.key()), of(map.value()));
    }
    if (plan instanceof CodecPlan.EnumOf e) {
      return CodeBlock.of("$T.enumOf($T.values())", Types.CODECS, ClassName.get(e.type()));
    }
    return CodeBlock.of("$T.$L", checkpoints, ((CodecPlan.RecordOf) plan).constant());
  }

  private static CodeBlock key(CodecPlan.Key key) {
    if (key instanceof CodecPlan.Key.Scalar scalar) {
      return CodeBlock.of("$T.$L", Types.KEY_CODEC, scalar.constant());
    }
    return CodeBlock.of(
        "$T.enumOf($T.values())",
        Types.KEY_CODEC,
        ClassName.get(((CodecPlan.Key.EnumOf) key).type()));
  }

  /** {@code null}, {@code List.of()}, {@code Optional.empty()}, {@code 0L}… */
  static CodeBlock neutral(NeutralValue value) {
    switch (value.kind()) {
      case EMPTY_LIST:
        return CodeBlock.of("$T.of()", ClassName.get("java.util", "List"));
      case EMPTY_SET:
        return CodeBlock.of("$T.of()", ClassName.get("java.util", "Set"));
      case EMPTY_MAP:
        return CodeBlock.of("$T.of()", ClassName.get("java.util", "Map"));
      case EMPTY_OPTIONAL:
        return CodeBlock.of("$T.empty()", ClassName.get("java.util", "Optional"));
      case ZERO:
        return zero(value);
      default:
        return CodeBlock.of("null");
    }
  }

  private static CodeBlock zero(NeutralValue value) {
    switch (value.primitive()) {
      case BOOLEAN:
        return CodeBlock.of("false");
      case CHAR:
        return CodeBlock.of("'\\0'");
      case LONG:
        return CodeBlock.of("0L");
      case FLOAT:
        return CodeBlock.of("0f");
      case DOUBLE:
        return CodeBlock.of("0d");
      case BYTE:
        return CodeBlock.of("(byte) 0");
      case SHORT:
        return CodeBlock.of("(short) 0");
      default:
        return CodeBlock.of("0");
    }
  }
}
