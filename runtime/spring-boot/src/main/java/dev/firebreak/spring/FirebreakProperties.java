package dev.firebreak.spring;

import dev.firebreak.runtime.FirebreakRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code firebreak.*} properties of the runtime bean the starter makes. */
@ConfigurationProperties("firebreak")
public class FirebreakProperties {
  /** The SQLite file runs are kept in (the embedded default store). */
  private Path sqlitePath = Path.of("firebreak.db");

  /**
   * This node's id in the store; empty for one unique per process. Pin it only to a name nothing
   * else uses at the same time (a StatefulSet pod's).
   */
  private String nodeId = "";

  /** Runs in flight at most; a start beyond it is refused with OverloadedException. */
  private int maxInFlightRuns = FirebreakRuntime.DEFAULT_MAX_IN_FLIGHT_RUNS;

  /** How long a shutdown waits for runs in flight before handing them back to the store. */
  private Duration shutdownGracePeriod = Duration.ofSeconds(30);

  /** Whether the unfinished runs of the bound workflows resume when the context has refreshed. */
  private boolean resumeOnStart = true;

  /**
   * Policy overrides without recompiling, keyed {@code <Workflow>.<step>.<policy>.<element>}, e.g.
   * {@code firebreak.overrides.InvoiceWorkflow.extract.retry.maxAttempts=6}.
   */
  private Map<String, String> overrides = new LinkedHashMap<>();

  public Path getSqlitePath() {
    return sqlitePath;
  }

  public void setSqlitePath(Path sqlitePath) {
    this.sqlitePath = sqlitePath;
  }

  public String getNodeId() {
    return nodeId;
  }

  public void setNodeId(String nodeId) {
    this.nodeId = nodeId;
  }

  public int getMaxInFlightRuns() {
    return maxInFlightRuns;
  }

  public void setMaxInFlightRuns(int maxInFlightRuns) {
    this.maxInFlightRuns = maxInFlightRuns;
  }

  public Duration getShutdownGracePeriod() {
    return shutdownGracePeriod;
  }

  public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
    this.shutdownGracePeriod = shutdownGracePeriod;
  }

  public boolean isResumeOnStart() {
    return resumeOnStart;
  }

  public void setResumeOnStart(boolean resumeOnStart) {
    this.resumeOnStart = resumeOnStart;
  }

  public Map<String, String> getOverrides() {
    return overrides;
  }

  public void setOverrides(Map<String, String> overrides) {
    this.overrides = overrides;
  }
}
