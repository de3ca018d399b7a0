package dev.firebreak.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LibraryVersionsTest {
  private static void require(String found) {
    LibraryVersions.requireAtLeast("jackson-core", found, 2, 16, "its limits", "declare 2.16");
  }

  @Test
  void aVersionOlderThanTheMinimumIsRefusedNamingTheLibraryAndTheFix() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> require("2.15.4"));
    assertEquals(
        "Firebreak needs jackson-core 2.16 or newer for its limits, but the class path has 2.15.4:"
            + " declare 2.16",
        e.getMessage());
    assertThrows(IllegalStateException.class, () -> require("1.99.0"));
    assertThrows(
        IllegalStateException.class, () -> require("2.9.10"), "minor 9 < 16, not '9' > '1'");
  }

  @Test
  void theMinimumAndNewerPassWhateverTheirSuffix() {
    assertDoesNotThrow(() -> require("2.16.0"));
    assertDoesNotThrow(() -> require("2.16.0-rc1"));
    assertDoesNotThrow(() -> require("2.21.4"));
    assertDoesNotThrow(() -> require("3.0.0"));
  }

  @Test
  void theLibrariesOnThisClassPathPass() {
    assertDoesNotThrow(LibraryVersions::requireJackson);
    assertDoesNotThrow(() -> LibraryVersions.requireSqlite("3.53.0"));
    IllegalStateException old =
        assertThrows(IllegalStateException.class, () -> LibraryVersions.requireSqlite("3.23.1"));
    assertEquals(
        "Firebreak needs SQLite 3.24 or newer for the upserts of its store (the library"
            + " org.xerial:sqlite-jdbc bundles), but the class path has 3.23.1: declare"
            + " org.xerial:sqlite-jdbc 3.24.0.0 or newer; a Spring Boot build sets the"
            + " sqlite-jdbc.version property",
        old.getMessage());
  }
}
