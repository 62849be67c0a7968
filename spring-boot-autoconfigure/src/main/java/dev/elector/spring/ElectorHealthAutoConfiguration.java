package dev.elector.spring;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code elector} health indicator; off with {@code management.health.elector.enabled=false}. It joins
 * no probe group: add it to readiness with {@code management.endpoint.health.group.readiness.include}
 * if traffic should wait for the cluster, never to liveness.
 */
@AutoConfiguration(after = ElectorAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Elections.class)
@ConditionalOnEnabledHealthIndicator("elector")
public final class ElectorHealthAutoConfiguration {
    /** Made by Spring. */
    public ElectorHealthAutoConfiguration() {
    }

    @Bean
    @ConditionalOnMissingBean(name = "electorHealthIndicator")
    HealthIndicator electorHealthIndicator(Elections elections) {
        return new ElectorHealthIndicator(elections);
    }
}
