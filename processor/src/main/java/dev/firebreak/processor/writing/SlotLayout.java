package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.TypeSpec;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.model.BindingKey;
import dev.firebreak.processor.model.EntryPointModel;
import dev.firebreak.processor.model.WorkflowModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The slots a run of the workflow keeps its values in, the same for every entry point: one per
 * graph input, then one per step that some entry point runs, each named after the value it holds
 * ({@code Slots.EXTRACTED_INVOICE}). Generated step methods read their arguments by these names, so
 * one method serves every entry point.
 *
 * <p>The binding graph numbers slots per plan (inputs, then the plan's steps); {@link #of(
 * WorkflowModel.Plan, int)} turns such a number into this layout's.
 */
final class SlotLayout {
  private final ClassName holder;
  private final Map<BindingKey, Integer> inputs = new LinkedHashMap<>();
  private final Map<Integer, Integer> steps = new LinkedHashMap<>();
  private final List<String> names = new ArrayList<>();
  private final List<String> docs = new ArrayList<>();

  SlotLayout(WorkflowModel model, ClassName generated) {
    this.holder = generated.nestedClass("Slots");
    Map<String, Integer> taken = new HashMap<>();
    for (WorkflowModel.Plan plan : model.entryPoints()) {
      for (EntryPointModel.Input input : plan.entryPoint().inputs()) {
        if (!inputs.containsKey(input.key())) {
          // The graph refuses an input that a step also produces: each value has one source.
          String doc = "{@code " + input.key() + "}: an input";
          inputs.put(input.key(), add(name(input.key()), taken, doc));
        }
      }
    }
    model.entryPoints().stream()
        .flatMap(p -> p.steps().stream())
        .distinct()
        .sorted()
        .forEach(
            i -> {
              String doc =
                  "{@code "
                      + key(model, i)
                      + "}: the output of step {@code "
                      + model.steps().get(i).name()
                      + "}";
              steps.put(i, add(name(key(model, i)), taken, doc));
            });
  }

  /**
   * The slot a plan numbers {@code planSlot}: one of its inputs, or the output of one its steps.
   */
  int of(WorkflowModel.Plan plan, int planSlot) {
    List<EntryPointModel.Input> planInputs = plan.entryPoint().inputs();
    if (planSlot < planInputs.size()) {
      return inputs.get(planInputs.get(planSlot).key());
    }
    return steps.get(plan.steps().get(planSlot - planInputs.size()));
  }

  /** The slot step {@code stepIndex} (into the model's steps) writes. */
  int ofStep(int stepIndex) {
    return steps.get(stepIndex);
  }

  /** The slot of the input {@code key}. */
  int ofInput(BindingKey key) {
    return inputs.get(key);
  }

  /** {@code Slots.EXTRACTED_INVOICE}. */
  CodeBlock ref(int slot) {
    return CodeBlock.of("$T.$L", holder, names.get(slot));
  }

  /** {@code Slots.COUNT}. */
  CodeBlock count() {
    return CodeBlock.of("$T.COUNT", holder);
  }

  /** The nested class that states the layout. */
  TypeSpec type() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(holder)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "The slots a run keeps its values in: one per value, the same for every entry"
                    + " point.\n");
    for (int slot = 0; slot < names.size(); slot++) {
      type.addField(
          FieldSpec.builder(int.class, names.get(slot), Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("$L.\n", docs.get(slot))
              .initializer("$L", slot)
              .build());
    }
    type.addField(
        FieldSpec.builder(int.class, "COUNT", Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("The number of slots.\n")
            .initializer("$L", names.size())
            .build());
    return type.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
        .build();
  }

  private int add(String name, Map<String, Integer> taken, String doc) {
    int n = taken.merge(name, 1, Integer::sum);
    names.add(n == 1 && !name.equals("COUNT") ? name : name + "_" + n);
    docs.add(doc);
    return names.size() - 1;
  }

  private static BindingKey key(WorkflowModel model, int step) {
    return model.steps().get(step).produces();
  }

  /**
   * {@code EXTRACTED_INVOICE} for {@code com.acme.Invoice.ExtractedInvoice}, {@code LIST_OF_LINE}
   * for {@code List<Line>}, {@code REGION_STRING} for {@code @Named("region") String}.
   */
  static String name(BindingKey key) {
    StringBuilder words = new StringBuilder();
    String qualifier = key.qualifier();
    if (!qualifier.isEmpty()) {
      int quote = qualifier.indexOf('"');
      String value =
          quote >= 0
              ? qualifier.substring(quote + 1, Math.max(quote + 1, qualifier.lastIndexOf('"')))
              : qualifier.substring(qualifier.lastIndexOf('.') + 1);
      words.append(value).append('_');
    }
    String type = key.simpleType().replace("<", "_of_").replace(",", "_and_");
    for (String part : type.split("[^A-Za-z0-9_.]+")) {
      // Nested types read by their own name: Invoice.Line is LINE.
      String simple = part.substring(part.lastIndexOf('.') + 1);
      if (!simple.isEmpty()) {
        words.append(simple).append('_');
      }
    }
    String name = Names.constantCase(words.toString()).replaceAll("[^A-Z0-9_]", "_");
    name = name.replaceAll("_+", "_").replaceAll("^_|_$", "");
    if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
      name = "VALUE_" + name;
    }
    return name;
  }
}
