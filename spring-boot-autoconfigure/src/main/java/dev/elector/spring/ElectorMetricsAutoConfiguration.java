package dev.elector.spring;

import dev.elector.micrometer.ElectorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Binds {@code elector-micrometer}'s meters: the coordinator's, each declared election's (registered once
 * per election, so they survive failovers), and each {@link LeaderScheduled} job's.
 */
@AutoConfiguration(after = ElectorAutoConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, ElectorMetrics.class})
@ConditionalOnBean({MeterRegistry.class, Elections.class})
public final class ElectorMetricsAutoConfiguration {
    /** Made by Spring. */
    public ElectorMetricsAutoConfiguration() {
    }

    @Bean
    JobListeners electorJobMeters(MeterRegistry registry) {
        return job -> ElectorMetrics.jobListener(registry, job);
    }

    @Bean
    SmartInitializingSingleton electorMeters(MeterRegistry registry, Elections elections) {
        return () -> {
            ElectorMetrics.bind(registry, elections.coordinator());
            for (String name : elections.names()) {
                ElectorMetrics.bind(registry, elections.get(name));
            }
        };
    }
}
