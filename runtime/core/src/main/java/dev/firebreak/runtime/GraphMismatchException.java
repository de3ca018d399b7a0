package dev.firebreak.runtime;

/**
 * A stored run was started under another version of its workflow's graph (steps, edges or types
 * changed since): continuing it could feed a step an output of the wrong shape, so it is refused.
 * Finish or discard such runs before deploying the change, or opt in with {@code
 * FirebreakRuntime.Builder#resumeAcrossGraphChanges(true)} when the steps kept their names and
 * output types.
 */
public class GraphMismatchException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String runId;
  private final String storedHash;
  private final String currentHash;

  public GraphMismatchException(
      String runId, String workflow, String storedHash, String currentHash) {
    super(
        "run '"
            + runId
            + "' of "
            + workflow
            + " was started with graph "
            + storedHash
            + " and this build's graph is "
            + currentHash
            + "; it is not resumed under a different graph"
            + " (see resumeAcrossGraphChanges)");
    this.runId = runId;
    this.storedHash = storedHash;
    this.currentHash = currentHash;
  }

  public String runId() {
    return runId;
  }

  public String storedHash() {
    return storedHash;
  }

  public String currentHash() {
    return currentHash;
  }
}
