package dev.firebreak.runtime.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The module's classpath runs jackson-databind on the jackson-core of its own version. */
class JacksonAlignmentTest {
  @Test
  void jacksonCoreIsTheVersionOfJacksonDatabind() {
    assertEquals(
        com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString(),
        com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
  }
}
