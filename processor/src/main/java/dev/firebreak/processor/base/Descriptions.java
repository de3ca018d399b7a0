package dev.firebreak.processor.base;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

/** How elements and types are named in messages. */
public final class Descriptions {
  private Descriptions() {}

  /** {@code OcrAgent.extract(InvoiceFile)}, as elements are named in messages. */
  public static String describe(Element element) {
    if (element instanceof ExecutableElement) {
      ExecutableElement m = (ExecutableElement) element;
      List<String> params = new ArrayList<>();
      for (var p : m.getParameters()) {
        params.add(simple(p.asType()));
      }
      return m.getEnclosingElement().getSimpleName()
          + "."
          + m.getSimpleName()
          + "("
          + String.join(", ", params)
          + ")";
    }
    if (element instanceof TypeElement) {
      return ((TypeElement) element).getQualifiedName().toString();
    }
    return element.getSimpleName().toString();
  }

  /** A type without package prefixes, for messages. */
  public static String simple(TypeMirror type) {
    return type.toString().replaceAll("\\b[a-z][a-z0-9_]*\\.", "");
  }
}
