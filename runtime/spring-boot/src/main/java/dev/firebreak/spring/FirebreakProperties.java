package dev.firebreak.spring;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.store.Leases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code firebreak.*} properties of the runtime bean the starter makes. */
@ConfigurationProperties("firebreak")
public class FirebreakProperties {
  /** The stores the starter can open. */
  public enum Store {
    /**
     * PostgreSQL with firebreak-postgres and a DataSource bean, else Redis with firebreak-redis and
     * a URL or client, else SQLite.
     */
    AUTO,
    /** The SQLite file {@code firebreak.sqlite-path}. */
    SQLITE,
    /** PostgreSQL through the application's DataSource bean; needs firebreak-postgres. */
    POSTGRES,
    /**
     * Redis at {@code firebreak.redis.url}, or through a UnifiedJedis bean; needs firebreak-redis.
     */
    REDIS
  }

  /** Redis settings, when runs are kept in Redis. */
  public static class Redis {
    /** The server, e.g. {@code redis://user:secret@127.0.0.1:6379/0}; else a UnifiedJedis bean. */
    private String url;

    /** Where Firebreak's keys start. */
    private String namespace = "firebreak:";

    /** How long finished runs are kept before Redis expires them; empty keeps them. */
    private Duration finishedTtl;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public Duration getFinishedTtl() {
      return finishedTtl;
    }

    public void setFinishedTtl(Duration finishedTtl) {
      this.finishedTtl = finishedTtl;
    }
  }

  /** The health indicator's thresholds (it is on with management.health.firebreak.enabled). */
  public static class Health {
    /** Dead letters waiting from which the {@code firebreak} health indicator says DOWN. */
    private int maxDeadLetters = 100;

    public int getMaxDeadLetters() {
      return maxDeadLetters;
    }

    public void setMaxDeadLetters(int maxDeadLetters) {
      this.maxDeadLetters = maxDeadLetters;
    }
  }

  /** Where runs are kept. */
  private Store store = Store.AUTO;

  /** Redis settings, for {@code firebreak.store=redis}. */
  private final Redis redis = new Redis();

  /** The health indicator's thresholds. */
  private final Health health = new Health();

  /**
   * How long a node's runs stay its own past its last heartbeat; then another node of the store
   * takes them over.
   */
  private Duration leaseDuration = Leases.DEFAULT_DURATION;

  /**
   * The SQLite file runs are kept in, with {@code firebreak.store=sqlite} (or auto, by default).
   */
  private Path sqlitePath = Path.of("firebreak.db");

  /**
   * This node's id in the store; empty for one unique per process. Pin it only to a name nothing
   * else uses at the same time (a StatefulSet pod's): a restarted node with the same id takes its
   * runs back at once.
   */
  private String nodeId = "";

  /** Runs in flight at most; a start beyond it is refused with OverloadedException. */
  private int maxInFlightRuns = FirebreakRuntime.DEFAULT_MAX_IN_FLIGHT_RUNS;

  /**
   * Runs that may wait parked on one open circuit breaker; past it, runs meeting that breaker fail
   * as CIRCUIT_OPEN.
   */
  private int maxParkedRunsPerBreaker = FirebreakRuntime.DEFAULT_MAX_PARKED_PER_BREAKER;

  /** How long a shutdown waits for runs in flight before handing them back to the store. */
  private Duration shutdownGracePeriod = Duration.ofSeconds(30);

  /**
   * Whether circuit breakers are shared with the other nodes of the store: one opened on any node
   * opens on all.
   */
  private boolean sharedBreakers;

  /** How long finished runs are kept; empty keeps them for ever. */
  private Duration retention;

  /** Whether the unfinished runs of the bound workflows resume when the context has refreshed. */
  private boolean resumeOnStart = true;

  /**
   * Policy overrides without recompiling, keyed {@code <Workflow>.<step>.<policy>.<element>}, e.g.
   * {@code firebreak.overrides.InvoiceWorkflow.extract.retry.maxAttempts=6}.
   */
  private Map<String, String> overrides = new LinkedHashMap<>();

  public Store getStore() {
    return store;
  }

  public void setStore(Store store) {
    this.store = store;
  }

  public Redis getRedis() {
    return redis;
  }

  public Health getHealth() {
    return health;
  }

  public Duration getLeaseDuration() {
    return leaseDuration;
  }

  public void setLeaseDuration(Duration leaseDuration) {
    this.leaseDuration = leaseDuration;
  }

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

  public int getMaxParkedRunsPerBreaker() {
    return maxParkedRunsPerBreaker;
  }

  public void setMaxParkedRunsPerBreaker(int maxParkedRunsPerBreaker) {
    this.maxParkedRunsPerBreaker = maxParkedRunsPerBreaker;
  }

  public Duration getShutdownGracePeriod() {
    return shutdownGracePeriod;
  }

  public void setShutdownGracePeriod(Duration shutdownGracePeriod) {
    this.shutdownGracePeriod = shutdownGracePeriod;
  }

  public boolean isSharedBreakers() {
    return sharedBreakers;
  }

  public void setSharedBreakers(boolean sharedBreakers) {
    this.sharedBreakers = sharedBreakers;
  }

  public Duration getRetention() {
    return retention;
  }

  public void setRetention(Duration retention) {
    this.retention = retention;
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
