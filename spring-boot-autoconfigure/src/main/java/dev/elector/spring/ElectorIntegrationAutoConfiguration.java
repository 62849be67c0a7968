package dev.elector.spring;

import dev.elector.Election;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/**
 * Publishes Spring Integration's {@link OnGrantedEvent} and {@link OnRevokedEvent} beside Elector's own
 * events when Spring Integration is on the classpath, with the election's name as the role and a
 * {@link Context} whose {@code yield()} resigns: listeners written for Spring Integration's leader
 * initiators, and {@code SmartLifecycleRoleController}, work unchanged. Off with
 * {@code elector.integration.events.enabled=false}.
 */
@AutoConfiguration(after = ElectorAutoConfiguration.class)
@ConditionalOnClass(OnGrantedEvent.class)
@ConditionalOnBean(Elections.class)
@ConditionalOnBooleanProperty(name = "elector.integration.events.enabled", matchIfMissing = true)
public final class ElectorIntegrationAutoConfiguration {
    /** Made by Spring. */
    public ElectorIntegrationAutoConfiguration() {
    }

    @Bean
    IntegrationEvents electorIntegrationEvents(Elections elections, ApplicationEventPublisher publisher) {
        return new IntegrationEvents(elections, publisher);
    }

    static final class IntegrationEvents {
        private final Elections elections;
        private final ApplicationEventPublisher publisher;

        IntegrationEvents(Elections elections, ApplicationEventPublisher publisher) {
            this.elections = elections;
            this.publisher = publisher;
        }

        @EventListener
        void granted(LeadershipGrantedEvent event) {
            publisher.publishEvent(new OnGrantedEvent(elections, context(event.election()), event.election()));
        }

        @EventListener
        void revoked(LeadershipRevokedEvent event) {
            publisher.publishEvent(new OnRevokedEvent(elections, context(event.election()), event.election()));
        }

        private Context context(String name) {
            Election election = elections.get(name);
            return new Context() {
                @Override
                public boolean isLeader() {
                    return election.isLeader();
                }

                // Asynchronous: yield() is often called from the granted listener itself.
                @Override
                public void yield() {
                    election.resignAsync();
                }

                @Override
                public String getRole() {
                    return name;
                }

                @Override
                public String toString() {
                    return "Elector context of '" + name + "' (leader: " + election.isLeader() + ")";
                }
            };
        }
    }
}
