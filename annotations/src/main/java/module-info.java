/**
 * Firebreak's annotations. They are read by the processor and never at run time, so a module
 * declares {@code requires static dev.firebreak.annotations}.
 */
module dev.firebreak.annotations {
  exports dev.firebreak.annotations;
}
