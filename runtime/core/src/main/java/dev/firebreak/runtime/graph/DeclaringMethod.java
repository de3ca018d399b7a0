package dev.firebreak.runtime.graph;

/**
 * How messages and logs name the agent method that declares a step ({@link
 * StepDescriptor#declaredBy()}): {@code test.invoice.Invoice.OcrAgent#extract} is shown as {@code
 * Invoice.OcrAgent#extract}, next to the step's name: {@code step 'extract'
 * (Invoice.OcrAgent#extract)}. Events, dead letters and results carry the full form.
 */
public final class DeclaringMethod {
  private DeclaringMethod() {}

  /**
   * {@code declaredBy} without its package: the leading segments that do not start with an
   * upper-case letter are dropped, the classes (enclosing ones included) and the method are kept.
   * Empty when {@code declaredBy} is null or empty.
   */
  public static String shortForm(String declaredBy) {
    if (declaredBy == null || declaredBy.isEmpty()) {
      return "";
    }
    int hash = declaredBy.indexOf('#');
    int classEnd = hash < 0 ? declaredBy.length() : hash;
    int start = 0;
    int dot;
    while ((dot = declaredBy.indexOf('.', start)) >= 0
        && dot < classEnd
        && !Character.isUpperCase(declaredBy.codePointAt(start))) {
      start = dot + 1;
    }
    return declaredBy.substring(start);
  }

  /**
   * What a message shows after a step's name: {@code " (Invoice.OcrAgent#extract)"}, or {@code ""}
   * when the declaring method is unknown, so that the message reads as it would without it.
   */
  public static String inParentheses(String declaredBy) {
    String shortForm = shortForm(declaredBy);
    return shortForm.isEmpty() ? "" : " (" + shortForm + ")";
  }
}
