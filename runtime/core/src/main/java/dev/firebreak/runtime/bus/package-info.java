/**
 * The message bus between Firebreak and the rest of a system: a {@link
 * dev.firebreak.runtime.bus.Transport} (Kafka, Redis Streams) carries keyed records, and an {@link
 * dev.firebreak.runtime.bus.Intake} binds an entry point to a topic of requests, publishing each
 * run's result and dead letter.
 */
package dev.firebreak.runtime.bus;
