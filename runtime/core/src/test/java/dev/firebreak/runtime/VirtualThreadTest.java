package dev.firebreak.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * 10,000 concurrent blocking sync steps on the default executor of a Java 21+ JVM (the build runs
 * on 17, so the harness runs in a child JVM from the newest JDK under /usr/lib/jvm; skipped,
 * visibly, where there is none).
 */
class VirtualThreadTest {

  @Test
  void tenThousandBlockingStepsRunOnVirtualThreadsWithoutPinning() throws Exception {
    Optional<Path> java = java21();
    assumeTrue(java.isPresent(), "no Java 21+ JDK on this machine");
    Process child =
        new ProcessBuilder(
                java.get().toString(),
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                VirtualThreadHarness.class.getName(),
                "10000")
            .redirectErrorStream(true)
            .start();
    boolean ended = child.waitFor(150, TimeUnit.SECONDS);
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended) {
      child.destroyForcibly();
    }
    assertTrue(ended, "the harness did not end:\n" + out);
    assertEquals(0, child.exitValue(), out);
    assertTrue(out.contains("completed=10000 "), out);
    assertTrue(out.contains("thread=VirtualThread"), "steps ran on virtual threads:\n" + out);
  }

  /** The current JVM if it is 21+, else the newest java under /usr/lib/jvm that is. */
  private static Optional<Path> java21() throws IOException {
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      List<Path> candidates =
          dirs.filter(d -> Files.isExecutable(d.resolve("bin/java"))).sorted().toList();
      Path best = null;
      int bestVersion = 0;
      for (Path d : candidates) {
        int v = featureVersion(d.resolve("release"));
        if (v >= 21 && v > bestVersion) {
          best = d.resolve("bin/java");
          bestVersion = v;
        }
      }
      return Optional.ofNullable(best);
    }
  }

  private static int featureVersion(Path release) {
    try {
      for (String line : Files.readAllLines(release)) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          return Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
