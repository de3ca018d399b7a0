package dev.firebreak.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.firebreak.runtime.Jdks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spring.threads.virtual.enabled=true} runs the steps on virtual threads named {@code
 * firebreak-N}, on Java 21+ (a child JVM from the newest JDK under /usr/lib/jvm, since the build
 * runs on 17; skipped, visibly, where there is none); before Java 21 it means nothing, as in
 * Spring.
 */
class VirtualThreadsTest {
  @TempDir Path dir;
  private int apps;

  /** The line {@code THREAD ...} of a trip booked by the app run with {@code java}. */
  private String stepThread(Path java, String... properties) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.firebreak.spring.trip.TripThreadMain",
                dir.resolve("trips-" + ++apps + ".db").toString()));
    for (String p : properties) {
      command.add("--" + p);
    }
    Process app = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(app.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, app.exitValue(), out);
    return out.lines()
        .filter(l -> l.startsWith("THREAD "))
        .findFirst()
        .orElseThrow(() -> new AssertionError(out));
  }

  @Test
  void springsSwitchRunsTheStepsOnNamedVirtualThreadsOnJava21Plus() throws Exception {
    Optional<Path> java = Jdks.java21();
    assumeTrue(java.isPresent(), "no Java 21+ JDK on this machine");
    String on = stepThread(java.get(), "spring.threads.virtual.enabled=true");
    assertTrue(on.startsWith("THREAD VirtualThread["), on);
    assertTrue(on.contains("firebreak-"), "named by the starter: " + on);
    String off = stepThread(java.get());
    assertTrue(off.startsWith("THREAD VirtualThread["), "the runtime's default on 21+: " + off);
    assertTrue(!off.contains("firebreak-"), off);
  }

  @Test
  void beforeJava21TheSwitchMeansNothing() throws Exception {
    assumeTrue(Runtime.version().feature() < 21, "this JVM has virtual threads");
    String on =
        stepThread(
            Path.of(System.getProperty("java.home"), "bin", "java"),
            "spring.threads.virtual.enabled=true");
    assertTrue(on.startsWith("THREAD Thread[") && on.contains("firebreak-worker-"), on);
  }
}
