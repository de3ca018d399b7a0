package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds each attempt of a {@link Step}. A synchronous step that runs past it is interrupted; an
 * asynchronous one has its {@code CompletionStage} cancelled. Either way the attempt fails with a
 * {@code java.util.concurrent.TimeoutException}, which {@link Retry} retries unless it is listed in
 * {@code abortOn}. Without this annotation the workflow's {@link Workflow#defaultTimeout()}
 * applies.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Timeout {

  /** The time allowed for one attempt. Required; a positive duration such as {@code "30s"}. */
  String value();
}
