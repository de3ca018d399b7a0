package dev.firebreak.processor.base;

import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.tools.Diagnostic.Kind;

/**
 * Prints diagnostics from the {@link Message} catalogue on the element, annotation and value they
 * are about (so the caret lands on the bad value), with the severity each message declares. Which
 * element had an error is a {@link ValidationReport}'s to remember.
 */
public final class Reporter {
  private final Messager messager;

  public Reporter(Messager messager) {
    this.messager = messager;
  }

  /** Reports {@code message} on {@code element}. */
  public void report(Message message, Element element, Object... args) {
    print(message, element, null, null, args);
  }

  /**
   * Reports {@code message} on the annotation {@code mirror} of {@code element}, at its element
   * {@code attribute} when the annotation spells it out (else on the annotation itself).
   */
  public void reportOn(
      Message message, Element element, AnnotationMirror mirror, String attribute, Object... args) {
    AnnotationValue value = mirror == null ? null : explicitValue(mirror, attribute);
    print(message, element, mirror, value, args);
  }

  private void print(
      Message message,
      Element element,
      AnnotationMirror mirror,
      AnnotationValue value,
      Object... args) {
    Kind kind = message.kind();
    String text = message.format(args);
    if (mirror != null && value != null) {
      messager.printMessage(kind, text, element, mirror, value);
    } else if (mirror != null) {
      messager.printMessage(kind, text, element, mirror);
    } else {
      messager.printMessage(kind, text, element);
    }
  }

  private static AnnotationValue explicitValue(AnnotationMirror mirror, String attribute) {
    if (attribute == null) {
      return null;
    }
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
  }
}
