package dev.firebreak.benchmarks;

import dev.firebreak.processor.FirebreakProcessor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.processing.Processor;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * How long the processor takes on generated workflows of 50, 200 and 500 steps (a chain whose steps
 * consume the previous step's record): the median of 5 compilations with the processor minus the
 * median of 5 without it (-proc:none), so javac's own work is not counted. Usage: {@code
 * ProcessorScale}.
 */
public final class ProcessorScale {
  private ProcessorScale() {}

  public static void main(String[] args) throws Exception {
    System.out.printf(
        "%6s %16s %16s %16s%n", "steps", "javac only (ms)", "with processor", "processor (ms)");
    // Warm the compiler up once, so the first row is not paying for class loading.
    compile(source(50), true);
    for (int steps : new int[] {50, 200, 500}) {
      JavaFileObject src = source(steps);
      long plain = median(src, false);
      long with = median(src, true);
      System.out.printf(
          "%6d %16.1f %16.1f %16.1f%n", steps, plain / 1e6, with / 1e6, (with - plain) / 1e6);
    }
  }

  private static long median(JavaFileObject src, boolean processor) throws IOException {
    long[] times = new long[5];
    for (int i = 0; i < times.length; i++) {
      times[i] = compile(src, processor);
    }
    Arrays.sort(times);
    return times[2];
  }

  private static long compile(JavaFileObject src, boolean processor) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path out = Files.createTempDirectory("firebreak-scale");
    List<String> options =
        new ArrayList<>(
            List.of(
                "-d",
                out.toString(),
                "-s",
                out.toString(),
                "-classpath",
                System.getProperty("java.class.path")));
    if (!processor) {
      options.add("-proc:none");
    }
    JavaCompiler.CompilationTask task =
        javac.getTask(null, null, d -> {}, options, null, List.of(src));
    if (processor) {
      task.setProcessors(List.<Processor>of(new FirebreakProcessor()));
    }
    long start = System.nanoTime();
    boolean ok = task.call();
    long elapsed = System.nanoTime() - start;
    if (!ok) {
      throw new IllegalStateException("the generated workflow did not compile");
    }
    return elapsed;
  }

  /** A workflow of {@code steps} steps in a chain, spread over agents of 10 steps each. */
  static JavaFileObject source(int steps) {
    StringBuilder s = new StringBuilder("package scale;\nimport dev.firebreak.annotations.*;\n");
    s.append("@Workflow(agents = {");
    int agents = (steps + 9) / 10;
    for (int a = 0; a < agents; a++) {
      s.append(a == 0 ? "" : ", ").append("Chain.A").append(a).append(".class");
    }
    s.append("})\npublic interface Chain {\n  R").append(steps).append(" run(R0 input);\n");
    for (int i = 0; i <= steps; i++) {
      s.append("  record R").append(i).append("(String value, int n) {}\n");
    }
    for (int a = 0; a < agents; a++) {
      s.append("  class A").append(a).append(" {\n");
      for (int i = a * 10 + 1; i <= Math.min(steps, a * 10 + 10); i++) {
        s.append("    @Step @Retry(maxAttempts = 3) @Checkpointed public R")
            .append(i)
            .append(" s")
            .append(i)
            .append("(R")
            .append(i - 1)
            .append(" in) { return new R")
            .append(i)
            .append("(in.value(), in.n() + 1); }\n");
      }
      s.append("  }\n");
    }
    s.append("}\n");
    String code = s.toString();
    return new SimpleJavaFileObject(
        URI.create("string:///scale/Chain.java"), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return code;
      }
    };
  }
}
