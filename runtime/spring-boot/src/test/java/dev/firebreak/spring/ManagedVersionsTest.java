package dev.firebreak.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests of this module run with the library versions its Boot line manages (its pom's parent is
 * Boot's), not Firebreak's own; a version too old for Firebreak stops the start, saying which.
 */
class ManagedVersionsTest {
  @TempDir Path dir;

  /**
   * The version of the jar that holds {@code group:artifact}'s pom.properties on this class path.
   */
  private static String onClassPath(String group, String artifact) throws IOException {
    String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
    try (InputStream in =
        ManagedVersionsTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource);
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  @Test
  void theStarterRunsOnTheLibraryVersionsItsBootLineManages() throws IOException {
    assertEquals(
        System.getProperty("boot.sqlite-jdbc.version"), onClassPath("org.xerial", "sqlite-jdbc"));
    assertEquals(
        System.getProperty("boot.jackson.version"),
        onClassPath("com.fasterxml.jackson.core", "jackson-core"));
    assertEquals(System.getProperty("boot.slf4j.version"), onClassPath("org.slf4j", "slf4j-api"));
    assertEquals(System.getProperty("boot.jedis.version"), onClassPath("redis.clients", "jedis"));
    assertNotEquals(
        "3.53.4.0",
        onClassPath("org.xerial", "sqlite-jdbc"),
        "Boot's sqlite-jdbc, not the one firebreak-runtime declares");
  }

  @Test
  void anApplicationOnAJacksonCoreTooOldStopsAtStartSayingWhatToChange() throws Exception {
    String tooOld = System.getProperty("too-old.jackson-core");
    String classPath =
        Stream.concat(
                Stream.of(tooOld),
                Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(
                        entry ->
                            !Path.of(entry).getFileName().toString().startsWith("jackson-core-")))
            .collect(Collectors.joining(File.pathSeparator));
    Process app =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "dev.firebreak.spring.trip.TripMain",
                dir.resolve("trips.db").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(app.waitFor(60, TimeUnit.SECONDS));
    assertNotEquals(0, app.exitValue(), output);
    assertTrue(
        output.contains(
            "Factory method 'firebreakStore' threw exception with message: Firebreak needs"
                + " jackson-core 2.16 or newer"),
        "Spring's own report names the problem: " + output);
    assertTrue(
        output.contains(
            "Firebreak needs jackson-core 2.16 or newer for the limits it puts on what the codecs"
                + " read and write, but the class path has 2.15.4: declare"
                + " com.fasterxml.jackson.core:jackson-core 2.16 or newer"),
        output);
    assertTrue(!output.contains("BOOKED"), output);
  }
}
