package dev.firebreak.runtime.langchain4j;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Calls a LangChain4j agentic system (or one of its agents) inside a Firebreak step so that the
 * step's policies see its model failures. LangChain4j's agentic module wraps what an agent throws
 * in its own {@code AgentInvocationException}, which no {@code @Retry(retryOn = ...)} names: a
 * {@link TransientModelException} from a wrapped model would fail the step for good, and a {@link
 * PermanentModelException} would lose what spares it from retries. {@link #call} rethrows the model
 * failure found among the causes instead, unchanged; any other failure passes as it is.
 *
 * <pre>{@code
 * String story = AgenticStep.call(() -> storyTeller.tell(ctx.runId(), topic));
 * }</pre>
 */
public final class AgenticStep {
  /** How deep the causes are searched; a chain is a few links long. */
  private static final int MAX_DEPTH = 32;

  private AgenticStep() {}

  /**
   * Returns what {@code invocation} returns; if it throws, rethrows the first {@link
   * ModelException} among the failure and its causes, or the failure itself if there is none.
   */
  public static <T> T call(Supplier<T> invocation) {
    try {
      return invocation.get();
    } catch (RuntimeException e) {
      throw modelFailure(e);
    }
  }

  /** The first {@link ModelException} among {@code failure} and its causes, or {@code failure}. */
  static RuntimeException modelFailure(RuntimeException failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH && seen.put(t, true) == null; depth++) {
      if (t instanceof ModelException model) {
        return model;
      }
      t = t.getCause();
    }
    return failure;
  }
}
