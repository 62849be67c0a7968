package dev.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

/** A listener written for Spring Integration's leader initiators hears Elector's terms, and its yield() resigns. */
class IntegrationEventsTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ElectorAutoConfiguration.class, ElectorIntegrationAutoConfiguration.class))
            .withUserConfiguration(Listener.class)
            .withPropertyValues("elector.connect=mem://spring-integration/ns?sessionTimeout=20s", "elector.elections.reports.role=candidate");

    static final class Heard {
        final List<String> events = new CopyOnWriteArrayList<>();
    }

    @Configuration(proxyBeanMethods = false)
    static class Listener {
        @Bean
        Heard heard() {
            return new Heard();
        }

        @Bean
        Object siListener(Heard heard) {
            return new Object() {
                @EventListener
                public void granted(OnGrantedEvent e) {
                    heard.events.add("granted " + e.getRole() + " leader=" + e.getContext().isLeader());
                    if (heard.events.size() == 1) {
                        e.getContext().yield(); // as a node that wants to hand over at once
                    }
                }

                @EventListener
                public void revoked(OnRevokedEvent e) {
                    heard.events.add("revoked " + e.getRole() + " leader=" + e.getContext().isLeader());
                }
            };
        }
    }

    @Test
    void grantedAndRevokedReachSpringIntegrationListenersAndYieldResigns() {
        runner.run(context -> {
            Heard heard = context.getBean(Heard.class);
            // Alone in the election: it yields, is revoked (RESIGNED), joins again and is granted again.
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.events.size() >= 3);
            assertThat(heard.events.subList(0, 3)).containsExactly("granted reports leader=true", "revoked reports leader=false",
                    "granted reports leader=true");
        });
        runner.withPropertyValues("elector.integration.events.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(ElectorIntegrationAutoConfiguration.IntegrationEvents.class));
    }
}
