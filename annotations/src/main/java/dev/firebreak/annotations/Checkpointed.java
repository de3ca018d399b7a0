package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Persists a {@link Step}'s output when it succeeds: a resumed run never executes the step again,
 * and the step's successors start only once the checkpoint is durable.
 *
 * <p>The output type must be encodable: records (nested), enums, {@code String}, primitives and
 * their boxes, {@code BigDecimal}, {@code BigInteger}, {@code java.time} types, {@code UUID},
 * {@code byte[]}, and {@code List}, {@code Set}, {@code Map} (with {@code String}, enum, number or
 * {@code UUID} keys) or {@code Optional} of encodable types — or covered by a {@code
 * CheckpointCodec} registered on the runtime.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Checkpointed {}
