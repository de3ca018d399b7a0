package dev.firebreak.runtime.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Writes the console's JSON with jackson-core's generator; {@code null} values are written. */
final class Json implements AutoCloseable {
  private static final JsonFactory FACTORY = new JsonFactory();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final JsonGenerator g;

  Json() {
    try {
      g = FACTORY.createGenerator(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] error(String message) {
    try (Json j = new Json()) {
      return j.object().field("error", message).end().bytes();
    }
  }

  Json object() {
    return run(g::writeStartObject);
  }

  Json object(String name) {
    return run(() -> g.writeObjectFieldStart(name));
  }

  Json array(String name) {
    return run(() -> g.writeArrayFieldStart(name));
  }

  Json array() {
    return run(g::writeStartArray);
  }

  Json end() {
    return run(
        () -> {
          if (g.getOutputContext().inArray()) {
            g.writeEndArray();
          } else {
            g.writeEndObject();
          }
        });
  }

  Json field(String name, String value) {
    return run(() -> g.writeStringField(name, value));
  }

  Json field(String name, long value) {
    return run(() -> g.writeNumberField(name, value));
  }

  Json field(String name, boolean value) {
    return run(() -> g.writeBooleanField(name, value));
  }

  Json field(String name, Instant value) {
    return field(name, value == null ? null : value.toString());
  }

  Json field(String name, Duration value) {
    return run(() -> g.writeNumberField(name, value.toNanos() / 1_000_000.0));
  }

  Json strings(String name, List<String> values) {
    return run(
        () -> {
          g.writeArrayFieldStart(name);
          for (String v : values) {
            g.writeString(v);
          }
          g.writeEndArray();
        });
  }

  Json nullField(String name) {
    return run(() -> g.writeNullField(name));
  }

  Json value(String value) {
    return run(() -> g.writeString(value));
  }

  byte[] bytes() {
    close();
    return bytes.toByteArray();
  }

  @Override
  public void close() {
    try {
      g.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Write {
    void run() throws IOException;
  }

  private Json run(Write write) {
    try {
      write.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
