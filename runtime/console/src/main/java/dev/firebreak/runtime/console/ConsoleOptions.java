package dev.firebreak.runtime.console;

import java.time.Duration;
import java.util.Set;

/**
 * What a console shows and to whom it answers, from {@link FirebreakConsole.Builder}.
 *
 * @param showData whether runs' inputs and outputs are shown
 * @param showErrorMessages whether error chains keep their messages; else only the types
 * @param workflow the one workflow shown; null for all
 * @param countsFor how long counts are shown before they are read again
 * @param allowedHosts the {@code Host} headers accepted besides the bound address (and, on
 *     loopback, localhost), lower case, each with its port
 */
record ConsoleOptions(
    boolean showData,
    boolean showErrorMessages,
    String workflow,
    Duration countsFor,
    Set<String> allowedHosts) {

  /** Whether the console shows the runs of {@code workflow}. */
  boolean shows(String workflow) {
    return this.workflow == null || this.workflow.equals(workflow);
  }
}
