package dev.firebreak.runtime.internal;

/**
 * The oldest versions of the libraries Firebreak runs on, checked when a runtime or store starts,
 * so that a build whose dependency management (Spring Boot's, a BOM) moved one back fails at once,
 * naming the library and the fix, rather than later with a {@link NoSuchMethodError} or a SQL error
 * in the middle of a run.
 */
public final class LibraryVersions {
  private LibraryVersions() {}

  /** Jackson's stream read and write constraints ({@code maxNameLength}, nesting) come in 2.16. */
  public static void requireJackson() {
    requireAtLeast(
        "jackson-core",
        com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString(),
        2,
        16,
        "the limits it puts on what the codecs read and write",
        "declare com.fasterxml.jackson.core:jackson-core 2.16 or newer; a Spring Boot build sets"
            + " the jackson-bom.version property (jackson-2-bom.version on Boot 4)");
  }

  /** Upserts ({@code ON CONFLICT ... DO UPDATE}) come in SQLite 3.24. */
  public static void requireSqlite(String sqliteVersion) {
    requireAtLeast(
        "SQLite",
        sqliteVersion,
        3,
        24,
        "the upserts of its store (the library org.xerial:sqlite-jdbc bundles)",
        "declare org.xerial:sqlite-jdbc 3.24.0.0 or newer; a Spring Boot build sets the"
            + " sqlite-jdbc.version property");
  }

  /**
   * Fails if {@code found} (e.g. {@code "2.15.4"}) is older than {@code major.minor}.
   *
   * @throws IllegalStateException naming the library, what needs it, and the fix
   */
  static void requireAtLeast(
      String library, String found, int major, int minor, String neededFor, String fix) {
    int[] parts = leadingNumbers(found);
    if (parts[0] > major || (parts[0] == major && parts[1] >= minor)) {
      return;
    }
    throw new IllegalStateException(
        "Firebreak needs "
            + library
            + " "
            + major
            + "."
            + minor
            + " or newer for "
            + neededFor
            + ", but the class path has "
            + found
            + ": "
            + fix);
  }

  /** The first two numbers of a version like {@code 2.16.0-rc1}; 0 where there is none. */
  private static int[] leadingNumbers(String version) {
    int[] parts = new int[2];
    int part = 0;
    for (int i = 0; i < version.length() && part < 2; i++) {
      char c = version.charAt(i);
      if (c >= '0' && c <= '9') {
        parts[part] = parts[part] * 10 + (c - '0');
      } else if (c == '.') {
        part++;
      } else {
        break;
      }
    }
    return parts;
  }
}
