/**
 * Firebreak's runtime: the engine, the store SPI, the in-memory store and the embedded SQLite
 * default.
 *
 * <p>Every package but {@code dev.firebreak.runtime.internal} is exported; the engine stays inside
 * the module. The SQLite driver is found as a {@code java.sql.Driver} service, so sqlite-jdbc is
 * not required here: users of another store leave it out.
 */
module dev.firebreak.runtime {
  requires transitive java.sql;
  // Checkpoint codecs, generated ones too, write and read JSON with jackson-core's streaming API.
  requires transitive com.fasterxml.jackson.core;
  // Generated orchestrators are @Inject-able.
  requires transitive jakarta.inject;
  // Generated orchestrators carry @javax.annotation.processing.Generated, kept in source only.
  requires static transitive java.compiler;
  requires org.slf4j;
  // Overrides and policy descriptors are checked with the annotations' limits and duration grammar.
  requires dev.firebreak.annotations;

  exports dev.firebreak.runtime;
  exports dev.firebreak.runtime.bus;
  exports dev.firebreak.runtime.codec;
  exports dev.firebreak.runtime.generated;
  exports dev.firebreak.runtime.graph;
  exports dev.firebreak.runtime.remote;
  exports dev.firebreak.runtime.store;
  exports dev.firebreak.runtime.time;
}
