package dev.firebreak.processor.model;

/**
 * What a step produces or consumes: a type (boxed, with its type arguments) and an optional
 * qualifier, as in Dagger. Two keys are the same binding iff their strings are equal.
 *
 * @param type the canonical type, e.g. {@code java.util.List<com.acme.Line>}
 * @param qualifier the qualifier annotation as written in source form, e.g. {@code
 *     @jakarta.inject.Named("primary")}, or {@code ""}
 */
public record BindingKey(String type, String qualifier) implements Comparable<BindingKey> {

  /** How the key reads in messages and diagrams. */
  @Override
  public String toString() {
    return qualifier.isEmpty() ? type : qualifier + " " + type;
  }

  /** The type without package prefixes, for diagrams: {@code List<Line>}. */
  public String simpleType() {
    return type.replaceAll("\\b[a-z][a-z0-9_]*\\.", "").replaceAll("\\b([A-Z]\\w*)\\$", "$1.");
  }

  @Override
  public int compareTo(BindingKey o) {
    return toString().compareTo(o.toString());
  }
}
