package dev.firebreak.processor.writing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What the generated code records about where it came from: this processor's release, and the
 * format of the code it writes. The runtime's {@code GeneratedCode} says which formats it runs.
 */
public final class GeneratedFormat {
  /** The format this processor writes; equal to the runtime's {@code GeneratedCode.FORMAT}. */
  public static final int FORMAT = 2;

  /** This processor's release, e.g. {@code 0.1.0}. */
  public static final String PROCESSOR_VERSION = readVersion();

  private GeneratedFormat() {}

  private static String readVersion() {
    try (InputStream in =
        GeneratedFormat.class.getResourceAsStream("/dev/firebreak/processor/version.properties")) {
      if (in == null) {
        return "(unknown release)";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "(unknown release)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
