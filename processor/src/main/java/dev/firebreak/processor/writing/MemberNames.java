package dev.firebreak.processor.writing;

import com.squareup.javapoet.NameAllocator;
import dev.firebreak.processor.model.WorkflowModel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of the orchestrator's methods, given out once so that none collides: the entry points
 * and {@code builder()} keep theirs; each step gets a method named after it ({@code extract}), its
 * fallback and compensation ({@code matchFallback}, {@code postCompensation}) and its descriptor
 * ({@code extractStep}); each entry point its plan ({@code processPlan}). A name already taken gets
 * a suffix.
 */
final class MemberNames {
  /** Methods every class has: a step named {@code wait} must not overload them. */
  private static final List<String> OBJECT_METHODS =
      List.of(
          "clone",
          "equals",
          "finalize",
          "getClass",
          "hashCode",
          "notify",
          "notifyAll",
          "toString",
          "wait");

  private final List<String> calls = new ArrayList<>();
  private final List<String> fallbacks = new ArrayList<>();
  private final List<String> compensations = new ArrayList<>();
  private final List<String> descriptors = new ArrayList<>();
  private final List<String> plans = new ArrayList<>();

  MemberNames(WorkflowModel model) {
    NameAllocator names = new NameAllocator();
    Set<String> reserved = new HashSet<>(OBJECT_METHODS);
    reserved.add("builder");
    model.entryPoints().forEach(p -> reserved.add(p.entryPoint().method()));
    reserved.forEach(name -> names.newName(name, name));
    for (int i = 0; i < model.steps().size(); i++) {
      String id = identifier(model.steps().get(i).name());
      calls.add(names.newName(id, "call" + i));
      fallbacks.add(names.newName(id + "Fallback", "fallback" + i));
      compensations.add(names.newName(id + "Compensation", "compensation" + i));
      descriptors.add(names.newName(id + "Step", "descriptor" + i));
    }
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      plans.add(names.newName(plan.entryPoint().method() + "Plan", plan));
    }
  }

  /** The method that calls step {@code i}'s agent method. */
  String call(int i) {
    return calls.get(i);
  }

  String fallback(int i) {
    return fallbacks.get(i);
  }

  String compensation(int i) {
    return compensations.get(i);
  }

  /** The static method building step {@code i}'s descriptor. */
  String descriptor(int i) {
    return descriptors.get(i);
  }

  /** The static method building the plan of entry point {@code e}. */
  String plan(int e) {
    return plans.get(e);
  }

  /** A step name as a lower-camel identifier: {@code tax-region} is {@code taxRegion}. */
  static String identifier(String stepName) {
    StringBuilder id = new StringBuilder();
    boolean upper = false;
    for (char c : stepName.toCharArray()) {
      if (Character.isJavaIdentifierPart(c) && c != '$') {
        id.append(
            upper ? Character.toUpperCase(c) : (id.length() == 0 ? Character.toLowerCase(c) : c));
        upper = false;
      } else {
        upper = id.length() > 0;
      }
    }
    if (id.length() == 0 || !Character.isJavaIdentifierStart(id.charAt(0))) {
      id.insert(0, "step");
    }
    return id.toString();
  }
}
