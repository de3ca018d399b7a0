package dev.firebreak.processor.writing;

import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.NameAllocator;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import dev.firebreak.processor.base.Names;
import dev.firebreak.processor.model.CodecModel;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Writes the nested {@code Checkpoints} class: one {@code CheckpointCodec} constant per record type
 * a checkpointed step produces (directly or inside another type), on Jackson's streaming API. A
 * record is an object with one field per component; unknown fields are skipped and missing ones
 * take their type's neutral value, so records may gain and lose components between a checkpoint and
 * a resume.
 */
final class CodecWriter {
  /** Local names the generated read method uses itself. */
  private static final Set<String> RESERVED = Set.of("in", "out", "value", "field");

  private final ClassName holder;
  private final List<CodecModel> codecs;
  private final CodecExpressions expressions;

  /**
   * The constants of the composite component codecs, given out once: {@code Line.itemCodes} and
   * {@code LineItem.codes} would both be {@code LINE_ITEM_CODES}.
   */
  private final NameAllocator constants = new NameAllocator();

  CodecWriter(ClassName generated, List<CodecModel> codecs, CodecExpressions expressions) {
    this.holder = className(generated);
    this.codecs = codecs;
    this.expressions = expressions;
    codecs.forEach(codec -> constants.newName(codec.constant(), codec));
    for (CodecModel codec : codecs) {
      String record = codec.constant().substring(0, codec.constant().length() - "_CODEC".length());
      for (CodecModel.Component c : codec.components()) {
        if (isComposite(c)) {
          constants.newName(record + "_" + Names.constantCase(c.name()), c);
        }
      }
    }
  }

  static ClassName className(ClassName generated) {
    return generated.nestedClass("Checkpoints");
  }

  TypeSpec write() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(holder)
            .addModifiers(Modifier.STATIC, Modifier.FINAL)
            .addJavadoc(
                "Codecs of the record types a run stores (inputs, checkpoints, output) or sends over the bus.\n")
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    for (CodecModel codec : codecs) {
      // Composite component codecs (lists, maps, enums) are built once, not per call.
      for (CodecModel.Component c : codec.components()) {
        if (isComposite(c)) {
          type.addField(
              FieldSpec.builder(
                      ParameterizedTypeName.get(Types.CHECKPOINT_CODEC, type(c).box()),
                      componentConstant(c),
                      Modifier.PRIVATE,
                      Modifier.STATIC,
                      Modifier.FINAL)
                  .initializer("$L", expressions.of(c.codec()))
                  .build());
        }
      }
      type.addField(field(codec));
    }
    return type.build();
  }

  private static boolean isComposite(CodecModel.Component c) {
    return c.codec().isComposite();
  }

  private static TypeName type(CodecModel.Component c) {
    return TypeName.get(c.type());
  }

  private String componentConstant(CodecModel.Component c) {
    return constants.get(c);
  }

  private CodeBlock codecOf(CodecModel codec, CodecModel.Component c) {
    return isComposite(c) ? CodeBlock.of("$L", componentConstant(c)) : expressions.of(c.codec());
  }

  private FieldSpec field(CodecModel codec) {
    ClassName record = ClassName.get(codec.record());
    TypeName codecType = ParameterizedTypeName.get(Types.CHECKPOINT_CODEC, record);
    TypeSpec anonymous =
        TypeSpec.anonymousClassBuilder("")
            .addSuperinterface(codecType)
            .addMethod(writeMethod(codec))
            .addMethod(readMethod(codec))
            .build();
    return FieldSpec.builder(codecType, codec.constant(), Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", anonymous)
        .build();
  }

  private MethodSpec writeMethod(CodecModel codec) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("write")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .addParameter(Types.JSON_GENERATOR, "out")
            .addParameter(ClassName.get(codec.record()), "value")
            .addException(Types.IO_EXCEPTION)
            .beginControlFlow("if (value == null)")
            .addStatement("out.writeNull()")
            .addStatement("return")
            .endControlFlow()
            .addStatement("out.writeStartObject()");
    for (CodecModel.Component c : codec.components()) {
      m.addStatement("out.writeFieldName($S)", c.name());
      m.addStatement("$L.write(out, value.$L())", codecOf(codec, c), c.name());
    }
    return m.addStatement("out.writeEndObject()").build();
  }

  private MethodSpec readMethod(CodecModel codec) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("read")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(ClassName.get(codec.record()))
            .addParameter(Types.JSON_PARSER, "in")
            .addException(Types.IO_EXCEPTION)
            .beginControlFlow("if (in.currentToken() == $T.VALUE_NULL)", Types.JSON_TOKEN)
            .addStatement("return null")
            .endControlFlow()
            .beginControlFlow("if (in.currentToken() != $T.START_OBJECT)", Types.JSON_TOKEN)
            .addStatement(
                "throw new $T(in, $S + in.currentToken())",
                Types.JSON_PARSE_EXCEPTION,
                "expected an object for " + codec.record().getSimpleName() + ", found ")
            .endControlFlow();
    // Each component's local, and a primitive's boxed read, named apart from each other and from
    // the method's own names (a component `quantityBoxed` beside `quantity`).
    List<CodecModel.Component> components = codec.components();
    NameAllocator names = new NameAllocator();
    RESERVED.forEach(name -> names.newName(name, name));
    String[] local = new String[components.size()];
    String[] boxed = new String[components.size()];
    for (int i = 0; i < components.size(); i++) {
      String name = components.get(i).name();
      local[i] = names.newName(RESERVED.contains(name) ? name + "Value" : name, "local" + i);
    }
    for (int i = 0; i < components.size(); i++) {
      if (components.get(i).type().getKind().isPrimitive()) {
        boxed[i] = names.newName(local[i] + "Boxed", "boxed" + i);
      }
    }
    for (int i = 0; i < components.size(); i++) {
      CodecModel.Component c = components.get(i);
      m.addStatement("$T $L = $L", type(c), local[i], CodecExpressions.neutral(c.missing()));
    }
    m.beginControlFlow("while (in.nextToken() == $T.FIELD_NAME)", Types.JSON_TOKEN)
        .addStatement("String field = in.currentName()")
        .addStatement("in.nextToken()")
        .beginControlFlow("switch (field)");
    for (int i = 0; i < components.size(); i++) {
      CodecModel.Component c = components.get(i);
      m.addCode("case $S:\n", c.name()).addCode("$>");
      if (boxed[i] != null) {
        // An explicit null for a primitive reads as its zero, like a missing field.
        m.addStatement("$T $L = $L.read(in)", type(c).box(), boxed[i], codecOf(codec, c));
        m.addStatement(
            "$L = $L == null ? $L : $L",
            local[i],
            boxed[i],
            CodecExpressions.neutral(c.missing()),
            boxed[i]);
      } else {
        m.addStatement("$L = $L.read(in)", local[i], codecOf(codec, c));
      }
      m.addStatement("break").addCode("$<");
    }
    m.addCode("default:\n$>")
        .addComment("A field this version does not know: written by a newer or older record.")
        .addStatement("in.skipChildren()")
        .addCode("$<")
        .endControlFlow()
        .endControlFlow()
        .beginControlFlow("if (in.currentToken() != $T.END_OBJECT)", Types.JSON_TOKEN)
        .addStatement(
            "throw new $T(in, $S + in.currentToken())",
            Types.JSON_PARSE_EXCEPTION,
            "unterminated object for " + codec.record().getSimpleName() + " at ")
        .endControlFlow();
    CodeBlock.Builder args = CodeBlock.builder();
    for (int i = 0; i < components.size(); i++) {
      args.add(i == 0 ? "$L" : ", $L", local[i]);
    }
    return m.addStatement("return new $T($L)", ClassName.get(codec.record()), args.build()).build();
  }
}
