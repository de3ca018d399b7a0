package dev.firebreak.spring;

import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.micrometer.FirebreakMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code firebreak-micrometer} on the class path, the runtime's meters ({@link
 * FirebreakMetrics}) go to the application's {@code MeterRegistry}, if it has exactly one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(
    name = {
      "dev.firebreak.runtime.micrometer.FirebreakMetrics",
      "io.micrometer.core.instrument.MeterRegistry"
    })
class FirebreakMetricsConfiguration {
  @Bean
  FirebreakRuntimeCustomizer firebreakMetrics(ObjectProvider<MeterRegistry> registries) {
    return new FirebreakRuntimeCustomizer() {
      private FirebreakMetrics metrics;

      @Override
      public void customize(FirebreakRuntime.Builder builder) {
        MeterRegistry registry = registries.getIfUnique();
        if (registry != null) {
          metrics = FirebreakMetrics.on(registry);
          builder.listener(metrics);
        }
      }

      @Override
      public void built(FirebreakRuntime runtime) {
        if (metrics != null) {
          metrics.monitor(runtime);
        }
      }
    };
  }
}
