package dev.elector.spring;

import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import dev.elector.ElectionException;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Connects a {@link Coordinator} to {@code elector.connect}, makes the declared {@link Elections}, and
 * serves {@link LeaderScheduled} and {@link LeaderOnly}. Off with {@code elector.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = "elector.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ElectorProperties.class)
public final class ElectorAutoConfiguration {
    /** Made by Spring. */
    public ElectorAutoConfiguration() {
    }

    /**
     * The coordinator, connected when the context starts: an unreachable cluster fails the start within
     * the connect timeout. Closed with the context, after the elections have given way.
     *
     * @param properties {@code elector.*}
     * @return the connected coordinator
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Coordinator electorCoordinator(ElectorProperties properties) {
        String uri = properties.connect();
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException("elector.connect is not set: name the cluster, for example elector.connect=zk://127.0.0.1:2181/myapp"
                    + " or etcd://127.0.0.1:2379/myapp (or switch Elector off with elector.enabled=false)");
        }
        CoordinatorOptions options;
        try {
            options = properties.coordinatorOptions();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("elector: " + e.getMessage(), e);
        }
        try {
            return Coordinator.connect(uri, options);
        } catch (IllegalArgumentException | ElectionException e) {
            // The core's message names the value and the rule; this names the property it came from.
            throw new IllegalStateException("elector.connect: " + e.getMessage(), e);
        }
    }

    @Bean
    Elections elections(Coordinator coordinator, ElectorProperties properties, ApplicationEventPublisher events, LeaderScheduledProcessor jobs) {
        Duration connectTimeout = properties.connectTimeout() != null ? properties.connectTimeout() : CoordinatorOptions.defaults().connectTimeout();
        return new Elections(coordinator, properties, events, connectTimeout, jobs::jobs);
    }

    // Static: post-processors are made before any other bean, and must not pull the coordinator in early.
    @Bean
    static LeaderScheduledProcessor electorLeaderScheduledProcessor(Environment environment, ObjectProvider<ElectorProperties> properties,
            ObjectProvider<JobListeners> listeners) {
        return new LeaderScheduledProcessor(environment, properties, listeners);
    }

    @Bean
    static LeaderOnlyProcessor electorLeaderOnlyProcessor(ObjectProvider<ElectorProperties> properties, ObjectProvider<Elections> elections) {
        return new LeaderOnlyProcessor(properties, elections);
    }
}
