package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.TypeName;
import dev.firebreak.processor.model.ConstantDefault;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;

/**
 * An {@code orElse} constant as a Java expression of its type: a literal, an enum constant, or a
 * factory call on its parts ({@code LocalDate.of(2026, 1, 31)}), so nothing is parsed at run time.
 */
final class ConstantExpressions {
  private static final ClassName ZONE_OFFSET = ClassName.get(ZoneOffset.class);

  private ConstantExpressions() {}

  static CodeBlock of(ConstantDefault constant) {
    Object v = constant.value();
    if (constant.enumConstant()) {
      return CodeBlock.of("$T.$L", TypeName.get(constant.type()), v);
    }
    if (v instanceof String s) {
      return CodeBlock.of("$S", s);
    }
    if (v instanceof Boolean || v instanceof Integer) {
      return CodeBlock.of("$L", v);
    }
    if (v instanceof Long l) {
      return CodeBlock.of("$LL", l);
    }
    if (v instanceof Byte b) {
      return CodeBlock.of("(byte) $L", b);
    }
    if (v instanceof Short s) {
      return CodeBlock.of("(short) $L", s);
    }
    if (v instanceof Character c) {
      return CodeBlock.of("'$L'", escape(c));
    }
    if (v instanceof Float f) {
      return CodeBlock.of("$Lf", Float.toString(f));
    }
    if (v instanceof Double d) {
      return CodeBlock.of("$Ld", Double.toString(d));
    }
    return objectOf(v);
  }

  private static CodeBlock objectOf(Object v) {
    if (v instanceof BigDecimal d) {
      return d.unscaledValue().bitLength() < 64
          ? CodeBlock.of(
              "$T.valueOf($LL, $L)", BigDecimal.class, d.unscaledValue().longValue(), d.scale())
          : CodeBlock.of("new $T($S)", BigDecimal.class, d.toString());
    }
    if (v instanceof BigInteger i) {
      return i.bitLength() < 64
          ? CodeBlock.of("$T.valueOf($LL)", BigInteger.class, i.longValue())
          : CodeBlock.of("new $T($S)", BigInteger.class, i.toString());
    }
    if (v instanceof Duration d) {
      return Math.abs(d.getSeconds()) <= Integer.MAX_VALUE / 1000
          ? CodeBlocks.duration(d)
          : CodeBlock.of("$T.ofSeconds($LL, $L)", Duration.class, d.getSeconds(), d.getNano());
    }
    if (v instanceof UUID u) {
      return CodeBlock.of(
          "new $T($LL, $LL)", UUID.class, u.getMostSignificantBits(), u.getLeastSignificantBits());
    }
    return timeOf(v);
  }

  private static CodeBlock timeOf(Object v) {
    if (v instanceof Instant i) {
      return CodeBlock.of(
          "$T.ofEpochSecond($LL, $L)", Instant.class, i.getEpochSecond(), i.getNano());
    }
    if (v instanceof LocalDate d) {
      return date(d);
    }
    if (v instanceof LocalTime t) {
      return time(t);
    }
    if (v instanceof LocalDateTime t) {
      return CodeBlock.of(
          "$T.of($L, $L)", LocalDateTime.class, date(t.toLocalDate()), time(t.toLocalTime()));
    }
    if (v instanceof OffsetDateTime t) {
      return CodeBlock.of(
          "$T.of($L, $L, $L)",
          OffsetDateTime.class,
          date(t.toLocalDate()),
          time(t.toLocalTime()),
          offset(t.getOffset()));
    }
    if (v instanceof OffsetTime t) {
      return CodeBlock.of(
          "$T.of($L, $L)", OffsetTime.class, time(t.toLocalTime()), offset(t.getOffset()));
    }
    if (v instanceof ZonedDateTime t) {
      return CodeBlock.of(
          "$T.ofStrict($T.of($L, $L), $L, $T.of($S))",
          ZonedDateTime.class,
          LocalDateTime.class,
          date(t.toLocalDate()),
          time(t.toLocalTime()),
          offset(t.getOffset()),
          ClassName.get("java.time", "ZoneId"),
          t.getZone().getId());
    }
    if (v instanceof Year y) {
      return CodeBlock.of("$T.of($L)", Year.class, y.getValue());
    }
    if (v instanceof YearMonth m) {
      return CodeBlock.of("$T.of($L, $L)", YearMonth.class, m.getYear(), m.getMonthValue());
    }
    if (v instanceof MonthDay m) {
      return CodeBlock.of("$T.of($L, $L)", MonthDay.class, m.getMonthValue(), m.getDayOfMonth());
    }
    if (v instanceof Period p) {
      return CodeBlock.of(
          "$T.of($L, $L, $L)", Period.class, p.getYears(), p.getMonths(), p.getDays());
    }
    throw new IllegalArgumentException("no constant form for " + v.getClass().getName());
  }

  private static CodeBlock date(LocalDate d) {
    return CodeBlock.of(
        "$T.of($L, $L, $L)", LocalDate.class, d.getYear(), d.getMonthValue(), d.getDayOfMonth());
  }

  private static CodeBlock time(LocalTime t) {
    return CodeBlock.of(
        "$T.of($L, $L, $L, $L)",
        LocalTime.class,
        t.getHour(),
        t.getMinute(),
        t.getSecond(),
        t.getNano());
  }

  private static CodeBlock offset(ZoneOffset o) {
    return CodeBlock.of("$T.ofTotalSeconds($L)", ZONE_OFFSET, o.getTotalSeconds());
  }

  /** A char as it reads between single quotes. */
  private static String escape(char c) {
    switch (c) {
      case '\'':
        return "\\'";
      case '\\':
        return "\\\\";
      default:
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
  }
}
