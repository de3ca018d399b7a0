package dev.firebreak.spring;

import dev.firebreak.runtime.FirebreakRuntime;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * With Boot's actuator on the class path: the {@code firebreak} endpoint ({@link
 * FirebreakEndpoint}), available as any endpoint is, and the opt-in {@code firebreak} health
 * indicator ({@link FirebreakHealth}). The health contract moved package between Boot 3 and 4, so
 * the indicator has one adapter per line, each guarded by its own class's presence.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(
    name = {
      "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
      "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
    })
@Import({
  FirebreakActuatorConfiguration.Boot3Health.class,
  FirebreakActuatorConfiguration.Boot4Health.class
})
class FirebreakActuatorConfiguration {
  static final String HEALTH_ENABLED = "management.health.firebreak.enabled";

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint(endpoint = FirebreakEndpoint.class)
  FirebreakEndpoint firebreakEndpoint(FirebreakRuntime runtime) {
    return new FirebreakEndpoint(runtime);
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
  @ConditionalOnProperty(name = HEALTH_ENABLED, havingValue = "true")
  static class Boot3Health {
    @Bean
    @ConditionalOnMissingBean(name = "firebreakHealthIndicator")
    org.springframework.boot.actuate.health.HealthIndicator firebreakHealthIndicator(
        FirebreakRuntime runtime, FirebreakProperties properties) {
      FirebreakHealth health =
          new FirebreakHealth(runtime, properties.getHealth().getMaxDeadLetters());
      return () -> {
        FirebreakHealth.Report report = health.check();
        return (report.up()
                ? org.springframework.boot.actuate.health.Health.up()
                : org.springframework.boot.actuate.health.Health.down())
            .withDetails(report.details())
            .build();
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
  @ConditionalOnProperty(name = HEALTH_ENABLED, havingValue = "true")
  static class Boot4Health {
    @Bean
    @ConditionalOnMissingBean(name = "firebreakHealthIndicator")
    org.springframework.boot.health.contributor.HealthIndicator firebreakHealthIndicator(
        FirebreakRuntime runtime, FirebreakProperties properties) {
      FirebreakHealth health =
          new FirebreakHealth(runtime, properties.getHealth().getMaxDeadLetters());
      return () -> {
        FirebreakHealth.Report report = health.check();
        return (report.up()
                ? org.springframework.boot.health.contributor.Health.up()
                : org.springframework.boot.health.contributor.Health.down())
            .withDetails(report.details())
            .build();
      };
    }
  }
}
