/**
 * The annotations of Firebreak: declare agents' steps and their failure policies, and the workflows
 * that wire them. The annotation processor ({@code firebreak-processor}) validates every workflow
 * at compile time and generates a {@code Firebreak<Workflow>} orchestrator for it.
 *
 * <p>Durations are strings: {@code "250ms"}, {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code
 * "2d"} or ISO-8601 such as {@code "PT30S"}, as {@link dev.firebreak.annotations.Durations} parses
 * them. The processor rejects a malformed duration, and a number outside the bounds of {@link
 * dev.firebreak.annotations.PolicyLimits}, on the annotation value that holds it; the runtime
 * applies the same grammar and bounds to the overrides of policy values.
 *
 * <p>All annotations have {@link java.lang.annotation.RetentionPolicy#CLASS CLASS} retention: they
 * are read by the processor and never at run time.
 */
package dev.firebreak.annotations;
