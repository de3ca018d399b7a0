package dev.firebreak.processor.base;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic.Kind;

/**
 * What validating one element found: each diagnostic is printed through the {@link Reporter} as it
 * is reported, and the report remembers whether one was an error. A report made with {@link
 * #child()} is about a part of its parent's element (a step of a workflow, a policy of a step): its
 * errors make the parent unclean too, so each stage asks its own report whether to go on.
 */
public final class ValidationReport {
  private final Reporter reporter;
  private final ValidationReport parent;
  private boolean errors;

  private ValidationReport(Reporter reporter, ValidationReport parent) {
    this.reporter = reporter;
    this.parent = parent;
  }

  /** A report printed through {@code reporter}. */
  public static ValidationReport on(Reporter reporter) {
    return new ValidationReport(reporter, null);
  }

  /**
   * A report that prints nothing: for trying a candidate (an overload of a fallback) whose problems
   * are explained only if no candidate fits.
   */
  public static ValidationReport discarding() {
    return new ValidationReport(null, null);
  }

  /** A report about a part of this report's element. */
  public ValidationReport child() {
    return new ValidationReport(reporter, this);
  }

  /** Reports {@code message} on {@code element}. */
  public void report(Message message, Element element, Object... args) {
    record(message);
    if (reporter != null) {
      reporter.report(message, element, args);
    }
  }

  /**
   * Reports {@code message} on the annotation {@code mirror} of {@code element}, at its element
   * {@code attribute} when the annotation spells it out (else on the annotation itself).
   */
  public void reportOn(
      Message message, Element element, AnnotationMirror mirror, String attribute, Object... args) {
    record(message);
    if (reporter != null) {
      reporter.reportOn(message, element, mirror, attribute, args);
    }
  }

  /** Whether no error was reported here or in a child. */
  public boolean isClean() {
    return !errors;
  }

  private void record(Message message) {
    if (message.kind() == Kind.ERROR) {
      for (ValidationReport r = this; r != null; r = r.parent) {
        r.errors = true;
      }
    }
  }
}
