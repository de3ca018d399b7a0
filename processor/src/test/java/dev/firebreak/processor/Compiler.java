package dev.firebreak.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles sources with the Firebreak processor, as a user's build would. */
final class Compiler {
  private Compiler() {}

  static Compilation compile(JavaFileObject... sources) {
    return javac()
        .withProcessors(new FirebreakProcessor())
        .withOptions("-Xlint:all,-processing")
        .compile(sources);
  }

  /** A source file {@code test/<Name>.java} with the given lines after the package declaration. */
  static JavaFileObject source(String simpleName, String... lines) {
    String[] all = new String[lines.length + 1];
    all[0] = "package test;";
    System.arraycopy(lines, 0, all, 1, lines.length);
    return JavaFileObjects.forSourceLines("test." + simpleName, all);
  }
}
