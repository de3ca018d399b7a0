package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.annotations.Durations;
import dev.firebreak.processor.base.AnnotationValues;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.ValidationReport;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** What every validator needs: the compiler's utilities and shared checks. */
public final class ValidationContext {
  private final Set<ExecutableElement> shapeChecked = new HashSet<>();
  public static final String COMPLETION_STAGE = "java.util.concurrent.CompletionStage";

  final Elements elements;
  final Types types;
  final AnnotationValues values;

  public ValidationContext(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.values = new AnnotationValues(elements);
  }

  public Elements elements() {
    return elements;
  }

  public Types types() {
    return types;
  }

  /** Records that the processor checked {@code step}'s shape, and reported it if wrong. */
  public void shapeChecked(ExecutableElement step) {
    shapeChecked.add(step);
  }

  /** Whether {@link #shapeChecked} recorded {@code step}: a step of this round's sources. */
  boolean wasShapeChecked(ExecutableElement step) {
    return shapeChecked.contains(step);
  }

  public AnnotationValues values() {
    return values;
  }

  /**
   * Parses the duration in {@code attribute} of {@code mirror}. Reports a malformed value, a
   * negative one, and zero unless {@code allowZero}; returns null after reporting. An empty string
   * returns null without a report: callers decide whether the attribute is optional.
   */
  Duration duration(
      ValidationReport report,
      AnnotationMirror mirror,
      String attribute,
      Element element,
      boolean allowZero) {
    String text = values.string(mirror, attribute);
    if (text.isEmpty()) {
      return null;
    }
    String where =
        "@" + mirror.getAnnotationType().asElement().getSimpleName() + "(" + attribute + ")";
    Duration d = Durations.parse(text).orElse(null);
    if (d == null) {
      report.reportOn(
          Message.DURATION_MALFORMED, element, mirror, attribute, where, text, describe(element));
      return null;
    }
    if (d.isNegative()) {
      report.reportOn(
          Message.DURATION_NEGATIVE, element, mirror, attribute, where, text, describe(element));
      return null;
    }
    if (d.isZero() && !allowZero) {
      report.reportOn(
          Message.DURATION_NOT_POSITIVE,
          element,
          mirror,
          attribute,
          where,
          text,
          describe(element));
      return null;
    }
    return d;
  }

  /** Whether {@code type} is the declared type {@code qualifiedName} (any type arguments). */
  public static boolean is(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement())
            .getQualifiedName()
            .contentEquals(qualifiedName);
  }

  /**
   * Whether {@code type} is a CompletionStage or one of its JDK subtypes such as CompletableFuture.
   */
  boolean isStage(TypeMirror type) {
    if (type.getKind() != TypeKind.DECLARED) {
      return false;
    }
    TypeElement stage = elements.getTypeElement(COMPLETION_STAGE);
    return stage != null && types.isAssignable(types.erasure(type), types.erasure(stage.asType()));
  }

  /** The T of a {@code CompletionStage<T>} (or subtype), or null if raw. */
  TypeMirror stageArgument(TypeMirror type) {
    TypeElement stage = elements.getTypeElement(COMPLETION_STAGE);
    for (TypeMirror t = type; t != null; ) {
      if (is(t, COMPLETION_STAGE)) {
        List<? extends TypeMirror> args = ((DeclaredType) t).getTypeArguments();
        return args.isEmpty() ? null : args.get(0);
      }
      TypeMirror next = null;
      for (TypeMirror s : types.directSupertypes(t)) {
        if (types.isAssignable(types.erasure(s), types.erasure(stage.asType()))) {
          next = s;
          break;
        }
      }
      t = next;
    }
    return null;
  }
}
