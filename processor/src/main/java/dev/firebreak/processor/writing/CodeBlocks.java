package dev.firebreak.processor.writing;

import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.TypeName;
import java.time.Duration;
import java.util.List;
import javax.lang.model.type.TypeMirror;

/** Small expressions the writers share. */
final class CodeBlocks {
  private CodeBlocks() {}

  /** {@code Duration.ofSeconds(30)} and the like, in the largest exact unit. */
  static CodeBlock duration(Duration d) {
    if (d == null) {
      return CodeBlock.of("null");
    }
    long nanos = d.toNanos();
    if (nanos % 1_000_000L != 0) {
      return CodeBlock.of("$T.ofNanos($LL)", Types.DURATION, nanos);
    }
    long ms = d.toMillis();
    if (ms != 0 && ms % 86_400_000L == 0) {
      return CodeBlock.of("$T.ofDays($L)", Types.DURATION, ms / 86_400_000L);
    }
    if (ms != 0 && ms % 3_600_000L == 0) {
      return CodeBlock.of("$T.ofHours($L)", Types.DURATION, ms / 3_600_000L);
    }
    if (ms != 0 && ms % 60_000L == 0) {
      return CodeBlock.of("$T.ofMinutes($L)", Types.DURATION, ms / 60_000L);
    }
    if (ms % 1000L == 0) {
      return CodeBlock.of("$T.ofSeconds($L)", Types.DURATION, ms / 1000L);
    }
    return CodeBlock.of("$T.ofMillis($L)", Types.DURATION, ms);
  }

  /** {@code A.class, B.class}. */
  static CodeBlock classes(List<TypeMirror> types) {
    CodeBlock.Builder b = CodeBlock.builder();
    for (int i = 0; i < types.size(); i++) {
      b.add(i == 0 ? "$T.class" : ", $T.class", TypeName.get(types.get(i)));
    }
    return b.build();
  }

  /** A double literal that reads as written: {@code 2.0}, {@code 0.2}. */
  static String decimal(double d) {
    return Double.toString(d);
  }
}
