package dev.firebreak.processor.validation;

import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;

/** Whether generated code in one package can reach a type or member. */
public final class Accessibility {
  private final Elements elements;
  private final PackageElement from;

  public Accessibility(Elements elements, PackageElement from) {
    this.elements = elements;
    this.from = from;
  }

  /** The package the orchestrator is generated in. */
  public String packageName() {
    return from.getQualifiedName().toString();
  }

  /** Whether {@code type} and every class enclosing it can be named from the package. */
  public boolean isAccessible(TypeElement type) {
    for (Element e = type;
        e != null && e.getKind() != ElementKind.PACKAGE;
        e = e.getEnclosingElement()) {
      if (!isAccessibleMember(e)) {
        return false;
      }
    }
    return true;
  }

  /** Whether a member (method or nested type) itself may be used from the package. */
  public boolean isAccessibleMember(Element member) {
    if (member.getModifiers().contains(Modifier.PUBLIC)) {
      return true;
    }
    if (member.getModifiers().contains(Modifier.PRIVATE)) {
      return false;
    }
    // Package-private and protected members are reachable from the same package only (the
    // orchestrator does not subclass agents).
    return elements.getPackageOf(member).equals(from);
  }
}
