package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the one {@code String} parameter of a {@link Workflow} entry point that names the run (an
 * invoice number, a message key). Calling an entry point with an id that already exists attaches to
 * that run — its result if it finished, a resume if it was interrupted — and never runs it twice.
 * Without it every call gets a fresh id. It is not a graph input.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface RunId {}
