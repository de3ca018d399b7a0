package dev.firebreak.processor.validation;

import com.squareup.javapoet.TypeName;
import dev.firebreak.processor.base.Descriptions;
import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.type.PrimitiveType;
import javax.lang.model.type.TypeMirror;

/** Builds binding keys: the boxed type plus a {@code jakarta.inject} (or javax) qualifier. */
final class Keys {
  private final ValidationContext context;

  Keys(ValidationContext context) {
    this.context = context;
  }

  /**
   * The key of {@code type} qualified by the qualifier on {@code element}; null after reporting if
   * the element carries several qualifiers.
   */
  BindingKey of(TypeMirror type, Element element, ValidationReport report) {
    List<AnnotationMirror> qualifiers = new ArrayList<>();
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      Element annotation = m.getAnnotationType().asElement();
      boolean qualifier =
          annotation.getAnnotationMirrors().stream()
              .map(a -> a.getAnnotationType().toString())
              .anyMatch(
                  n -> n.equals("jakarta.inject.Qualifier") || n.equals("javax.inject.Qualifier"));
      if (qualifier) {
        qualifiers.add(m);
      }
    }
    if (qualifiers.size() > 1) {
      report.report(
          Message.STEP_MULTIPLE_QUALIFIERS,
          element,
          Descriptions.describe(element),
          qualifiers.stream()
              .map(Object::toString)
              .collect(java.util.stream.Collectors.joining(", ")));
      return null;
    }
    return new BindingKey(
        typeString(type), qualifiers.isEmpty() ? "" : qualifiers.get(0).toString());
  }

  /** The canonical string of {@code type}, boxed. */
  String typeString(TypeMirror type) {
    TypeMirror boxed =
        type.getKind().isPrimitive()
            ? context.types.boxedClass((PrimitiveType) type).asType()
            : type;
    return TypeName.get(boxed).toString();
  }
}
