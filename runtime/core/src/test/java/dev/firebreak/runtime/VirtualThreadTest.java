package dev.firebreak.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 concurrent blocking sync steps on the default executor of a Java 21+ JVM (the build runs
 * on 17, so the harness runs in a child JVM from the newest JDK under /usr/lib/jvm; skipped,
 * visibly, where there is none).
 */
class VirtualThreadTest {

  @Test
  void tenThousandBlockingStepsRunOnVirtualThreadsWithoutPinning() throws Exception {
    Optional<Path> java = Jdks.java21();
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
}
