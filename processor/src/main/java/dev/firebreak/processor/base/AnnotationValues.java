package dev.firebreak.processor.base;

import dev.firebreak.annotations.Workflow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Reads annotation values through mirrors (class values cannot be read from annotation proxies at
 * compile time), defaults included.
 */
public final class AnnotationValues {
  /** The package prefix of Firebreak's annotations, {@code dev.firebreak.annotations.}. */
  public static final String ANNOTATIONS = Workflow.class.getPackageName() + ".";

  private final Elements elements;

  public AnnotationValues(Elements elements) {
    this.elements = elements;
  }

  /** The mirror of the annotation {@code qualifiedName} on {@code element}, if present. */
  public static Optional<AnnotationMirror> find(Element element, String qualifiedName) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) m.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  private AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue();
      }
    }
    throw new IllegalArgumentException("no element " + name + " on " + mirror);
  }

  public String string(AnnotationMirror mirror, String name) {
    return (String) value(mirror, name).getValue();
  }

  public int integer(AnnotationMirror mirror, String name) {
    return (Integer) value(mirror, name).getValue();
  }

  public double decimal(AnnotationMirror mirror, String name) {
    return (Double) value(mirror, name).getValue();
  }

  public boolean bool(AnnotationMirror mirror, String name) {
    return (Boolean) value(mirror, name).getValue();
  }

  public List<String> strings(AnnotationMirror mirror, String name) {
    List<String> out = new ArrayList<>();
    for (Object v : list(mirror, name)) {
      out.add((String) ((AnnotationValue) v).getValue());
    }
    return out;
  }

  /** Class values; a class that does not compile (yet) shows up as an error type. */
  public List<TypeMirror> types(AnnotationMirror mirror, String name) {
    List<TypeMirror> out = new ArrayList<>();
    for (Object v : list(mirror, name)) {
      Object value = ((AnnotationValue) v).getValue();
      if (value instanceof TypeMirror) {
        out.add((TypeMirror) value);
      }
    }
    return out;
  }

  private List<?> list(AnnotationMirror mirror, String name) {
    Object v = value(mirror, name).getValue();
    return v instanceof List ? (List<?>) v : List.of();
  }
}
