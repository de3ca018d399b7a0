package dev.firebreak.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JDKs of this machine, for tests that need virtual threads while the build runs on Java 17:
 * they start a child JVM from the JDK found here, and are skipped, visibly, where there is none.
 */
public final class Jdks {
  private Jdks() {}

  /** The current JVM if it is 21+, else the newest java under /usr/lib/jvm that is. */
  public static Optional<Path> java21() throws IOException {
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
