package dev.firebreak.processor.validation;

import com.squareup.javapoet.TypeName;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.model.CodecModel;
import dev.firebreak.processor.model.CodecPlan;
import dev.firebreak.processor.model.NeutralValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Decides whether a checkpointed type can be encoded and, if so, how: a {@link CodecPlan} over the
 * runtime's {@code Codecs} and the record codecs the orchestrator declares ({@link CodecModel}).
 * Walks records recursively and names the path to the first part that cannot be encoded.
 */
public final class CheckpointTypes {
  private static final Map<String, String> SCALARS = new LinkedHashMap<>();

  static {
    SCALARS.put("java.lang.String", "STRING");
    SCALARS.put("java.lang.Boolean", "BOOLEAN");
    SCALARS.put("java.lang.Integer", "INT");
    SCALARS.put("java.lang.Long", "LONG");
    SCALARS.put("java.lang.Short", "SHORT");
    SCALARS.put("java.lang.Byte", "BYTE");
    SCALARS.put("java.lang.Character", "CHAR");
    SCALARS.put("java.lang.Float", "FLOAT");
    SCALARS.put("java.lang.Double", "DOUBLE");
    SCALARS.put("java.math.BigDecimal", "BIG_DECIMAL");
    SCALARS.put("java.math.BigInteger", "BIG_INTEGER");
    SCALARS.put("java.util.UUID", "UUID");
    SCALARS.put("java.time.Instant", "INSTANT");
    SCALARS.put("java.time.LocalDate", "LOCAL_DATE");
    SCALARS.put("java.time.LocalDateTime", "LOCAL_DATE_TIME");
    SCALARS.put("java.time.LocalTime", "LOCAL_TIME");
    SCALARS.put("java.time.OffsetDateTime", "OFFSET_DATE_TIME");
    SCALARS.put("java.time.ZonedDateTime", "ZONED_DATE_TIME");
    SCALARS.put("java.time.Duration", "DURATION");
    SCALARS.put("java.time.Period", "PERIOD");
  }

  private static final Map<String, String> KEYS =
      Map.of(
          "java.lang.String", "STRING",
          "java.util.UUID", "UUID",
          "java.lang.Integer", "INT",
          "java.lang.Long", "LONG");

  /** Why a type cannot be encoded: the path to the offending part, and what it is. */
  public record Failure(String path, String reason) {}

  /** How a type is encoded ({@code plan}), or why it cannot be ({@code failure}); one is null. */
  public record Encoding(CodecPlan plan, Failure failure) {}

  /** Thrown inside the walk to unwind to {@link #codecOf}. */
  private static final class NotEncodable extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Failure failure;

    NotEncodable(String path, String reason) {
      super(null, null, false, false);
      this.failure = new Failure(path, reason);
    }
  }

  private final Types types;
  private final Accessibility accessibility;
  private final Map<String, CodecModel> records = new LinkedHashMap<>();
  private final Set<String> constants = new HashSet<>();

  public CheckpointTypes(Types types, Accessibility accessibility) {
    this.types = types;
    this.accessibility = accessibility;
  }

  /** How {@code type} is encoded, or why it cannot be. */
  public Encoding encoding(TypeMirror type) {
    try {
      // The path names types as the binding keys do (JavaPoet's canonical form).
      return new Encoding(codec(type, TypeName.get(type).toString(), new ArrayList<>()), null);
    } catch (NotEncodable e) {
      return new Encoding(null, e.failure);
    }
  }

  /** The record codecs needed so far, each after the codecs it uses. */
  public List<CodecModel> recordCodecs() {
    return List.copyOf(records.values());
  }

  private CodecPlan codec(TypeMirror type, String path, List<String> enclosing)
      throws NotEncodable {
    if (type.getKind().isPrimitive()) {
      return codec(
          types.boxedClass((javax.lang.model.type.PrimitiveType) type).asType(), path, enclosing);
    }
    if (type.getKind() == TypeKind.ARRAY) {
      if (((ArrayType) type).getComponentType().getKind() == TypeKind.BYTE) {
        return new CodecPlan.Scalar("BYTES");
      }
      throw new NotEncodable(path, "an array other than byte[] (use a List)");
    }
    if (type.getKind() != TypeKind.DECLARED) {
      throw new NotEncodable(path, "a " + type.getKind().toString().toLowerCase() + " type");
    }
    DeclaredType declared = (DeclaredType) type;
    TypeElement element = (TypeElement) declared.asElement();
    String name = element.getQualifiedName().toString();
    String scalar = SCALARS.get(name);
    if (scalar != null) {
      return new CodecPlan.Scalar(scalar);
    }
    List<? extends TypeMirror> args = declared.getTypeArguments();
    switch (name) {
      case "java.util.List":
      case "java.util.Set":
      case "java.util.Optional":
        if (args.size() != 1) {
          throw new NotEncodable(path, "a raw " + name);
        }
        CodecPlan.Container.Kind kind =
            CodecPlan.Container.Kind.valueOf(name.substring("java.util.".length()).toUpperCase());
        String elementPath = path + (name.endsWith("Optional") ? ".get()" : "[]");
        return new CodecPlan.Container(kind, codec(args.get(0), elementPath, enclosing));
      case "java.util.Map":
        if (args.size() != 2) {
          throw new NotEncodable(path, "a raw java.util.Map");
        }
        return new CodecPlan.MapOf(
            keyCodec(args.get(0), path + ".keySet()[]"),
            codec(args.get(1), path + ".values()[]", enclosing));
      default:
        break;
    }
    if (element.getKind() == ElementKind.ENUM) {
      requireAccessible(element, path);
      return new CodecPlan.EnumOf(element);
    }
    if (element.getKind() == ElementKind.RECORD) {
      return new CodecPlan.RecordOf(recordCodec(element, path, enclosing));
    }
    throw new NotEncodable(
        path,
        (type.getKind() == TypeKind.DECLARED && element.getKind().isInterface()
                ? "the interface "
                : "the class ")
            + name
            + ", neither a record nor a supported value type");
  }

  private CodecPlan.Key keyCodec(TypeMirror key, String path) throws NotEncodable {
    if (key.getKind() == TypeKind.DECLARED) {
      TypeElement element = (TypeElement) ((DeclaredType) key).asElement();
      String constant = KEYS.get(element.getQualifiedName().toString());
      if (constant != null) {
        return new CodecPlan.Key.Scalar(constant);
      }
      if (element.getKind() == ElementKind.ENUM) {
        requireAccessible(element, path);
        return new CodecPlan.Key.EnumOf(element);
      }
    }
    throw new NotEncodable(
        path, "a map key of type " + key + " (use String, UUID, Integer, Long or an enum)");
  }

  private String recordCodec(TypeElement record, String path, List<String> enclosing)
      throws NotEncodable {
    String name = record.getQualifiedName().toString();
    CodecModel known = records.get(name);
    if (known != null) {
      return known.constant();
    }
    if (enclosing.contains(name)) {
      throw new NotEncodable(path, "the recursive record " + name + " (it contains itself)");
    }
    if (!record.getTypeParameters().isEmpty()) {
      throw new NotEncodable(path, "the generic record " + name);
    }
    requireAccessible(record, path);
    enclosing.add(name);
    List<CodecModel.Component> components = new ArrayList<>();
    for (Element member : record.getEnclosedElements()) {
      if (member.getKind() != ElementKind.RECORD_COMPONENT) {
        continue;
      }
      RecordComponentElement component = (RecordComponentElement) member;
      String componentName = component.getSimpleName().toString();
      TypeMirror componentType = component.asType();
      CodecPlan componentCodec = codec(componentType, path + "." + componentName, enclosing);
      components.add(
          new CodecModel.Component(
              componentName, componentType, componentCodec, neutral(componentType)));
    }
    enclosing.remove(enclosing.size() - 1);
    String constant =
        uniqueConstant(Names.constantCase(record.getSimpleName().toString()) + "_CODEC");
    records.put(name, new CodecModel(constant, record, components));
    return constant;
  }

  private void requireAccessible(TypeElement type, String path) throws NotEncodable {
    if (!accessibility.isAccessible(type)) {
      throw new NotEncodable(
          path,
          "the type "
              + type.getQualifiedName()
              + ", not accessible from the generated orchestrator");
    }
  }

  private String uniqueConstant(String base) {
    String candidate = base;
    for (int i = 2; !constants.add(candidate); i++) {
      candidate = base + "_" + i;
    }
    return candidate;
  }

  /**
   * The neutral value of {@code type}: what a failed non-critical step yields and what a missing
   * checkpoint field decodes to. A primitive's is its zero, which a step must not invent (the step
   * validator refuses a primitive non-critical step without a fallback).
   */
  public static NeutralValue neutral(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return NeutralValue.zero(type.getKind());
    }
    if (type.getKind() == TypeKind.DECLARED) {
      String name = ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
      switch (name) {
        case "java.util.List":
        case "java.util.Collection":
          return NeutralValue.of(NeutralValue.Kind.EMPTY_LIST);
        case "java.util.Set":
          return NeutralValue.of(NeutralValue.Kind.EMPTY_SET);
        case "java.util.Map":
          return NeutralValue.of(NeutralValue.Kind.EMPTY_MAP);
        case "java.util.Optional":
          return NeutralValue.of(NeutralValue.Kind.EMPTY_OPTIONAL);
        default:
          break;
      }
    }
    return NeutralValue.NULL;
  }
}
