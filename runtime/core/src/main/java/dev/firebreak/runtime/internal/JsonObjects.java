package dev.firebreak.runtime.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes the small JSON objects the bus carries (results, dead letters, calls, replies). */
final class JsonObjects {
  static final JsonFactory JSON = new JsonFactory();

  private JsonObjects() {}

  /** The fields of one object. */
  interface Fields {
    void write(JsonGenerator out) throws IOException;
  }

  /** {@code {fields}} as UTF-8 JSON. */
  static byte[] write(Fields fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (JsonGenerator out = JSON.createGenerator(bytes)) {
      out.writeStartObject();
      fields.write(out);
      out.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** {@code "name": [values]}. */
  static void strings(JsonGenerator out, String name, List<String> values) throws IOException {
    out.writeArrayFieldStart(name);
    for (String v : values) {
      out.writeString(v);
    }
    out.writeEndArray();
  }
}
