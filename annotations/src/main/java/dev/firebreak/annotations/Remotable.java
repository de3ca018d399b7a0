package dev.firebreak.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an agent whose steps may run in a worker process behind the message bus. Whether they do
 * is configuration alone ({@code FirebreakRuntime.Builder#remoteAgents}); the orchestrator keeps
 * every policy either way.
 *
 * <p>Everything that crosses the bus must be encodable, as a {@link Checkpointed} output is: each
 * step's parameters (but {@code StepContext}) and its output. The processor refuses the rest,
 * naming the field. The generated orchestrator takes the agent as a {@code
 * jakarta.inject.Provider}, resolved only when the agent runs in process, and offers a {@code
 * <agent>Dispatch(agent)} factory for the worker ({@code FirebreakWorker}). A remotable agent's
 * steps have no fallback or compensation method yet: both would run on the agent.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Remotable {}
