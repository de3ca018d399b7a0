package dev.firebreak.runtime.generated;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class written by the Firebreak processor. CLASS retention, so coverage tools such as
 * JaCoCo, which skip classes annotated with an annotation whose name contains {@code Generated},
 * leave generated orchestrators out of reports.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface FirebreakGenerated {}
