package dev.firebreak.runtime;

/**
 * A failure of a call that answered, but not with what the step needs (a model's answer that does
 * not parse or validate): counted apart from transport failures, as the outcome {@code
 * invalid_output} of {@code firebreak.step.attempts}. Retried only if {@code retryOn} names it.
 */
public interface InvalidOutput {}
