package dev.firebreak.spring;

import dev.firebreak.runtime.CheckpointStore;
import dev.firebreak.runtime.FirebreakRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

/**
 * What an application gets from the starter alone: one {@link FirebreakRuntime} bean from the
 * {@code firebreak.*} properties (unless it defines its own), every orchestrator the processor
 * generated on the class path as a bean injectable by its workflow interface ({@link
 * OrchestratorRegistrar}), the runtime's lifecycle tied to the context's ({@link
 * FirebreakLifecycle}), and its meters in the application's registry ({@link
 * FirebreakMetricsConfiguration}). {@link FirebreakRuntimeCustomizer} beans add to the runtime.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"
    })
@EnableConfigurationProperties(FirebreakProperties.class)
@Import({
  OrchestratorRegistrar.class,
  FirebreakStoreConfiguration.class,
  FirebreakMetricsConfiguration.class,
  FirebreakActuatorConfiguration.class
})
public class FirebreakAutoConfiguration {
  static final String VIRTUAL_THREADS = "spring.threads.virtual.enabled";

  /**
   * The runtime on the store {@link FirebreakStoreConfiguration} chose (or the application's). The
   * context closes it through {@link FirebreakLifecycle}, so it installs no shutdown hook of its
   * own.
   */
  @Bean
  @ConditionalOnMissingBean
  public FirebreakRuntime firebreakRuntime(
      FirebreakProperties properties,
      CheckpointStore store,
      Environment environment,
      ObjectProvider<FirebreakRuntimeCustomizer> customizers) {
    FirebreakRuntime.Builder builder =
        FirebreakRuntime.builder()
            .checkpointStore(store)
            .maxInFlightRuns(properties.getMaxInFlightRuns())
            .maxParkedRunsPerBreaker(properties.getMaxParkedRunsPerBreaker())
            .shutdownGracePeriod(properties.getShutdownGracePeriod())
            .overrides(overrides(properties.getOverrides()))
            .sharedBreakers(properties.isSharedBreakers())
            .shutdownHook(false);
    if (environment.getProperty(VIRTUAL_THREADS, Boolean.class, false)
        && Runtime.version().feature() >= 21) {
      builder.executor(virtualThreads());
    }
    if (properties.getRetention() != null) {
      builder.retention(properties.getRetention());
    }
    customizers.orderedStream().forEach(c -> c.customize(builder));
    FirebreakRuntime runtime = builder.build();
    customizers.orderedStream().forEach(c -> c.built(runtime));
    return runtime;
  }

  @Bean
  @ConditionalOnMissingBean
  public FirebreakLifecycle firebreakLifecycle(
      FirebreakRuntime runtime, FirebreakProperties properties) {
    return new FirebreakLifecycle(runtime, properties.isResumeOnStart());
  }

  /**
   * A virtual thread per step, named {@code firebreak-N}, as the application's {@value
   * #VIRTUAL_THREADS} asks. Without it the runtime's default stands: unnamed virtual threads on
   * Java 21+, a pool of platform threads before; like Spring, the switch means nothing before Java
   * 21.
   */
  private static SimpleAsyncTaskExecutor virtualThreads() {
    SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("firebreak-");
    executor.setVirtualThreads(true);
    return executor;
  }

  /** {@code Workflow.step.policy.element} keys as the runtime names them. */
  private static Map<String, String> overrides(Map<String, String> properties) {
    Map<String, String> keys = new LinkedHashMap<>();
    properties.forEach((key, value) -> keys.put("firebreak." + key, value));
    return keys;
  }
}
