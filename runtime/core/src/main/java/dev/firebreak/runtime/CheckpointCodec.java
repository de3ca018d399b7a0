package dev.firebreak.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Writes and reads one type of checkpointed value as JSON, on Jackson's streaming API. The
 * processor generates codecs for records, enums, strings, numbers, {@code java.time} types,
 * collections and optionals; register one on the runtime for any other type. No reflection and no
 * Java serialization are involved.
 *
 * <p>{@link #read} is called with the parser positioned on the value's first token and must leave
 * it on the value's last token. It must tolerate unknown fields and missing ones (schema
 * evolution), and must throw an {@link IOException} rather than return a wrong object for input it
 * cannot decode.
 */
public interface CheckpointCodec<T> {

  /** Writes {@code value}, which may be {@code null}. */
  void write(JsonGenerator out, T value) throws IOException;

  /** Reads a value written by {@link #write}. */
  T read(JsonParser in) throws IOException;
}
