/**
 * Firebreak's annotations, with the policy limits and the duration grammar they share with the
 * runtime. The annotations are read by the processor and never at run time, so a workflow's module
 * declares {@code requires static dev.firebreak.annotations}; the runtime module requires it for
 * {@link dev.firebreak.annotations.PolicyLimits} and {@link dev.firebreak.annotations.Durations},
 * which it applies to overrides.
 */
module dev.firebreak.annotations {
  exports dev.firebreak.annotations;
}
