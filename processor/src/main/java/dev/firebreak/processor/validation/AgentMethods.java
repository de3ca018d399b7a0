package dev.firebreak.processor.validation;

import static dev.firebreak.processor.base.Descriptions.describe;

import dev.firebreak.processor.base.Message;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.base.ValidationReport;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.StepModel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * Finds the methods a step's fallback or compensation names on its agent, and matches their
 * parameters with the step's.
 */
final class AgentMethods {
  private final ValidationContext context;
  private final Accessibility accessibility;
  private final Keys keys;

  AgentMethods(ValidationContext context, Accessibility accessibility, Keys keys) {
    this.context = context;
    this.accessibility = accessibility;
    this.keys = keys;
  }

  /** The index of the first unused step parameter with the same binding key, or -1. */
  int matchParameter(
      VariableElement p,
      List<StepModel.Parameter> stepParameters,
      boolean[] used,
      ValidationReport report) {
    BindingKey key = keys.of(p.asType(), p, report);
    if (key == null) {
      return -1;
    }
    for (int i = 0; i < stepParameters.size(); i++) {
      StepModel.Parameter sp = stepParameters.get(i);
      if (!used[i] && !sp.context() && key.equals(sp.key())) {
        used[i] = true;
        return i;
      }
    }
    return -1;
  }

  String modifierProblem(ExecutableElement method) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return "private";
    }
    if (method.getModifiers().contains(Modifier.STATIC)) {
      return "static";
    }
    if (!accessibility.isAccessibleMember(method)) {
      return "package-private or protected in a package other than " + accessibility.packageName();
    }
    return null;
  }

  List<ExecutableElement> methodsNamed(TypeElement agent, String name) {
    List<ExecutableElement> out = new ArrayList<>();
    for (Element e : context.elements.getAllMembers(agent)) {
      if (e.getKind() == ElementKind.METHOD
          && e.getSimpleName().contentEquals(name)
          && !((TypeElement) e.getEnclosingElement())
              .getQualifiedName()
              .contentEquals("java.lang.Object")) {
        out.add((ExecutableElement) e);
      }
    }
    return out;
  }

  TreeSet<String> methodNames(TypeElement agent, ExecutableElement except) {
    TreeSet<String> names = new TreeSet<>();
    for (Element e : context.elements.getAllMembers(agent)) {
      if (e.getKind() == ElementKind.METHOD
          && !e.equals(except)
          && !((TypeElement) e.getEnclosingElement())
              .getQualifiedName()
              .contentEquals("java.lang.Object")) {
        names.add(e.getSimpleName().toString());
      }
    }
    return names;
  }

  /**
   * Reports why {@code candidate} does not fit twice: at the value of {@code attribute} on the
   * step, where the name is, and at the method itself, where the fix usually is.
   */
  static void explain(
      ValidationReport report,
      Message message,
      ExecutableElement step,
      AnnotationMirror mirror,
      String attribute,
      ExecutableElement candidate,
      Object... args) {
    report.reportOn(message, step, mirror, attribute, args);
    report.report(message, candidate, args);
  }

  /** Checks whether one method fits; explains why not on {@code report} when {@code explain}. */
  @FunctionalInterface
  interface Fit {
    StepModel.Call of(ExecutableElement candidate, boolean explain, ValidationReport report);
  }

  /**
   * The call to the method {@code name} of {@code agent} that a step's {@code mirror} names: the
   * first overload that fits, else {@code missing} when there is no such method, else the first
   * overload's problem; null after reporting.
   */
  StepModel.Call resolve(
      ExecutableElement step,
      TypeElement agent,
      String name,
      AnnotationMirror mirror,
      String attribute,
      Message missing,
      Fit fit,
      ValidationReport report) {
    List<ExecutableElement> candidates = methodsNamed(agent, name);
    if (candidates.isEmpty()) {
      report.reportOn(
          missing,
          step,
          mirror,
          attribute,
          name,
          describe(step),
          agent.getSimpleName(),
          Names.didYouMeanOrList(name, methodNames(agent, step), "the methods it could name are"));
      return null;
    }
    for (ExecutableElement candidate : candidates) {
      StepModel.Call call = fit.of(candidate, false, ValidationReport.discarding());
      if (call != null) {
        return call;
      }
    }
    fit.of(candidates.get(0), true, report);
    return null;
  }
}
