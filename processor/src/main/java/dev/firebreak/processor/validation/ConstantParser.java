package dev.firebreak.processor.validation;

import dev.firebreak.annotations.Durations;
import dev.firebreak.processor.model.ConstantDefault;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Parses an {@code @Critical(orElse)} text against a step's output type: the types that have a
 * constant form, each with the parser and the words that say what it expects.
 */
final class ConstantParser {
  /** The types that have a constant form, as messages name them. */
  static final String TYPES =
      "primitives and their boxes, String, enums, BigDecimal, BigInteger, Duration, UUID, and"
          + " java.time's Instant, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, OffsetTime,"
          + " ZonedDateTime, Year, YearMonth, MonthDay and Period";

  /** A parser of one type, and what it expects, for "is not …" messages. */
  private record Form(String expected, Function<String, Object> parse) {}

  private static final Map<String, Form> FORMS =
      Map.ofEntries(
          Map.entry("boolean", new Form("a boolean (true or false)", ConstantParser::bool)),
          Map.entry("byte", new Form("a byte (a whole number from -128 to 127)", Byte::valueOf)),
          Map.entry(
              "short", new Form("a short (a whole number from -32768 to 32767)", Short::valueOf)),
          Map.entry(
              "int",
              new Form("an int (a whole number from -2147483648 to 2147483647)", Integer::valueOf)),
          Map.entry("long", new Form("a long (a whole number of 64 bits)", Long::valueOf)),
          Map.entry("char", new Form("a char (exactly one character)", ConstantParser::character)),
          Map.entry("float", new Form("a float (a finite number)", ConstantParser::floatValue)),
          Map.entry("double", new Form("a double (a finite number)", ConstantParser::doubleValue)),
          Map.entry("java.lang.String", new Form("a String", ConstantParser::string)),
          Map.entry("java.math.BigDecimal", new Form("a BigDecimal (e.g. 12.50)", BigDecimal::new)),
          Map.entry("java.math.BigInteger", new Form("a BigInteger (e.g. 42)", BigInteger::new)),
          Map.entry(
              "java.time.Duration",
              new Form(
                  "a Duration (e.g. 250ms, 30s, 5m, 1h, 2d or PT30S)", ConstantParser::duration)),
          Map.entry(
              "java.util.UUID",
              new Form("a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)", ConstantParser::uuid)),
          Map.entry(
              "java.time.Instant",
              new Form("an Instant (ISO, e.g. 2026-01-31T10:15:30Z)", Instant::parse)),
          Map.entry(
              "java.time.LocalDate",
              new Form("a LocalDate (ISO, e.g. 2026-01-31)", LocalDate::parse)),
          Map.entry(
              "java.time.LocalTime",
              new Form("a LocalTime (ISO, e.g. 10:15:30)", LocalTime::parse)),
          Map.entry(
              "java.time.LocalDateTime",
              new Form("a LocalDateTime (ISO, e.g. 2026-01-31T10:15:30)", LocalDateTime::parse)),
          Map.entry(
              "java.time.OffsetDateTime",
              new Form(
                  "an OffsetDateTime (ISO, e.g. 2026-01-31T10:15:30+01:00)",
                  OffsetDateTime::parse)),
          Map.entry(
              "java.time.OffsetTime",
              new Form("an OffsetTime (ISO, e.g. 10:15:30+01:00)", OffsetTime::parse)),
          Map.entry(
              "java.time.ZonedDateTime",
              new Form(
                  "a ZonedDateTime (ISO, e.g. 2026-01-31T10:15:30+01:00[Europe/Paris])",
                  ZonedDateTime::parse)),
          Map.entry("java.time.Year", new Form("a Year (e.g. 2026)", Year::parse)),
          Map.entry(
              "java.time.YearMonth", new Form("a YearMonth (ISO, e.g. 2026-01)", YearMonth::parse)),
          Map.entry(
              "java.time.MonthDay", new Form("a MonthDay (ISO, e.g. --01-31)", MonthDay::parse)),
          Map.entry(
              "java.time.Period", new Form("a Period (ISO, e.g. P1M or P2W)", Period::parse)));

  private static final Map<String, String> BOXES =
      Map.of(
          "java.lang.Boolean", "boolean",
          "java.lang.Byte", "byte",
          "java.lang.Short", "short",
          "java.lang.Integer", "int",
          "java.lang.Long", "long",
          "java.lang.Character", "char",
          "java.lang.Float", "float",
          "java.lang.Double", "double");

  private ConstantParser() {}

  /** What {@link #parse} made of a text: the constant, or why not. */
  sealed interface Outcome {}

  /** The constant. */
  record Parsed(ConstantDefault constant) implements Outcome {}

  /** The type has no constant form. */
  record NoConstantForm() implements Outcome {}

  /** The text is not a value of the type; {@code expected} says what one looks like. */
  record NotParseable(String expected, String why) implements Outcome {}

  /** The text names no constant of the enum; {@code constants} are the ones it has. */
  record UnknownConstant(List<String> constants) implements Outcome {}

  static Outcome parse(String text, TypeMirror type) {
    if (type.getKind() == TypeKind.DECLARED) {
      TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
      if (element.getKind() == ElementKind.ENUM) {
        List<String> constants =
            element.getEnclosedElements().stream()
                .filter(e -> e.getKind() == ElementKind.ENUM_CONSTANT)
                .map(e -> e.getSimpleName().toString())
                .toList();
        String name = text.trim();
        return constants.contains(name)
            ? new Parsed(new ConstantDefault(type, name, true, text))
            : new UnknownConstant(constants);
      }
      String qualified = element.getQualifiedName().toString();
      return parse(text, type, BOXES.getOrDefault(qualified, qualified));
    }
    return type.getKind().isPrimitive()
        ? parse(text, type, type.getKind().name().toLowerCase(java.util.Locale.ROOT))
        : new NoConstantForm();
  }

  private static Outcome parse(String text, TypeMirror type, String form) {
    Form f = FORMS.get(form);
    if (f == null) {
      return new NoConstantForm();
    }
    try {
      // A String and a char are taken as written: " " is a char, the space.
      String input = form.equals("java.lang.String") || form.equals("char") ? text : text.trim();
      return new Parsed(new ConstantDefault(type, f.parse().apply(input), false, text));
    } catch (DateTimeParseException e) {
      return new NotParseable(f.expected(), e.getMessage());
    } catch (IllegalArgumentException | ArithmeticException e) {
      return new NotParseable(f.expected(), null);
    }
  }

  private static Object bool(String text) {
    return switch (text) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      default -> throw new IllegalArgumentException(text);
    };
  }

  private static Object character(String text) {
    if (text.length() != 1) {
      throw new IllegalArgumentException(text);
    }
    return text.charAt(0);
  }

  private static Object floatValue(String text) {
    float f = Float.parseFloat(text);
    if (!Float.isFinite(f)) {
      throw new IllegalArgumentException(text);
    }
    return f;
  }

  private static Object doubleValue(String text) {
    double d = Double.parseDouble(text);
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException(text);
    }
    return d;
  }

  /** The text as it is; quoted, without its quotes (how the empty string is stated). */
  private static Object string(String text) {
    return text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")
        ? text.substring(1, text.length() - 1)
        : text;
  }

  private static Object duration(String text) {
    return Durations.parse(text).orElseThrow(() -> new IllegalArgumentException(text));
  }

  private static Object uuid(String text) {
    UUID uuid = UUID.fromString(text);
    if (!uuid.toString().equalsIgnoreCase(text)) {
      throw new IllegalArgumentException(text); // fromString accepts "1-2-3-4-5"
    }
    return uuid;
  }
}
