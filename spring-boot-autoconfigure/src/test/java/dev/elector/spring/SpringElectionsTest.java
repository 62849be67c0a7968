package dev.elector.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elector.ConnectionState;
import dev.elector.Coordinator;
import dev.elector.JobContext;
import dev.elector.RevocationReason;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * The starter on the kit's in-memory backend: two application contexts on one {@code mem://} cluster
 * stand for two hosts. The same behaviour on real ZooKeeper and etcd is proven by the integration suite's
 * Boot applications.
 */
class SpringElectionsTest {
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** What each host saw, in order: "a ran 2026-...Z token 3", "a elected", "b leader a", ... */
    static final class Recorder {
        final List<String> lines = new CopyOnWriteArrayList<>();

        List<String> matching(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    static class Job {
        private final Recorder recorder;
        private final String host;

        Job(Recorder recorder, String host) {
            this.recorder = recorder;
            this.host = host;
        }

        @LeaderScheduled(election = "reports", fixedRate = "${test.rate:200ms}")
        void report(JobContext run) throws InterruptedException {
            recorder.lines.add("tick " + run.scheduledTime() + " by " + host + " token " + run.fencingToken());
            if (host.endsWith("-slow")) {
                try {
                    Thread.sleep(60_000); // stands for long work; the shutdown must interrupt it
                } finally {
                    recorder.lines.add(host + " job ended");
                }
            }
        }

        @EventListener
        void on(LeadershipGrantedEvent e) {
            recorder.lines.add(host + " elected " + e.election() + " token " + e.term().fencingToken());
        }

        @EventListener
        void on(LeadershipRevokedEvent e) {
            recorder.lines.add(host + " revoked " + e.reason());
        }

        @EventListener
        void on(LeaderChangedEvent e) {
            recorder.lines.add(host + " sees leader " + e.leader().map(p -> p.id()).orElse("none"));
        }
    }

    static class Guarded {
        @LeaderOnly(election = "reports")
        public String skipped() {
            return "ran";
        }

        @LeaderOnly(election = "reports")
        public Optional<String> maybe() {
            return Optional.of("ran");
        }

        @LeaderOnly(election = "reports", whenNotLeader = LeaderOnly.WhenNotLeader.THROW)
        public String strict() {
            return "ran";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Host {
        @Bean
        Job job(Recorder recorder, org.springframework.core.env.Environment env) {
            return new Job(recorder, env.getProperty("elector.participant-id"));
        }

        @Bean
        Guarded guarded() {
            return new Guarded();
        }
    }

    private static ApplicationContextRunner host(String cluster, Recorder recorder, String id) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ElectorAutoConfiguration.class, ElectorMetricsAutoConfiguration.class,
                        ElectorHealthAutoConfiguration.class))
                .withUserConfiguration(Host.class)
                .withBean(Recorder.class, () -> recorder)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                // A long session timeout: a handover seen well before it came from giving way, not from expiry.
                .withPropertyValues("elector.connect=mem://" + cluster + "/ns?sessionTimeout=20s", "elector.participant-id=" + id,
                        "elector.elections.reports.role=candidate");
    }

    private static String cluster() {
        return "spring-" + CLUSTERS.incrementAndGet();
    }

    @Test
    void onlyTheLeaderRunsTicksAndAClosedContextHandsOverAtOnceWithNoTickRunTwice() {
        Recorder recorder = new Recorder();
        String cluster = cluster();
        host(cluster, recorder, "a").run(a -> {
            await().atMost(WAIT).until(() -> recorder.matching("tick").size() >= 2);
            host(cluster, recorder, "b").run(b -> {
                await().atMost(WAIT).until(() -> recorder.lines.contains("b sees leader a"));
                int before = recorder.matching("tick").size();
                await().atMost(WAIT).until(() -> recorder.matching("tick").size() >= before + 3);
                assertThat(recorder.matching("tick")).allMatch(l -> l.contains(" by a "));

                Coordinator coordinatorOfA = a.getBean(Coordinator.class);
                long closing = System.nanoTime();
                a.close();
                await().atMost(WAIT).until(() -> recorder.matching("b elected").size() == 1);
                Duration handover = Duration.ofNanos(System.nanoTime() - closing);
                assertThat(handover).as("given way, not expired").isLessThan(Duration.ofSeconds(10));
                assertThat(recorder.lines).contains("a revoked CLOSED");
                assertThat(recorder.lines.indexOf("a revoked CLOSED")).isLessThan(indexOfPrefix(recorder, "b elected"));
                assertThat(coordinatorOfA.connectionState()).isEqualTo(ConnectionState.CLOSED);

                await().atMost(WAIT).until(() -> recorder.matching("tick").stream().anyMatch(l -> l.contains(" by b ")));
                List<String> ticks = recorder.matching("tick").stream().map(l -> l.substring(0, l.indexOf(" by "))).toList();
                assertThat(ticks).as("no tick twice").doesNotHaveDuplicates();
                List<Long> tokens = recorder.matching("tick").stream().map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).toList();
                assertThat(tokens).isSorted();
            });
        });
    }

    @Test
    void onShutdownTheJobStopsFirstThenTheTermEndsThenTheCoordinatorCloses() {
        Recorder recorder = new Recorder();
        host(cluster(), recorder, "a-slow").run(a -> {
            await().atMost(WAIT).until(() -> recorder.matching("tick").size() == 1);
            Coordinator coordinator = a.getBean(Coordinator.class);
            a.close();
            assertThat(recorder.lines).containsSubsequence("a-slow job ended", "a-slow revoked CLOSED");
            assertThat(coordinator.connectionState()).isEqualTo(ConnectionState.CLOSED);
        });
    }

    @Test
    void aGuardedMethodRunsOnTheLeaderOnly() {
        Recorder recorder = new Recorder();
        String cluster = cluster();
        host(cluster, recorder, "a").withPropertyValues("test.rate=1h").run(a -> {
            await().atMost(WAIT).until(() -> a.getBean(Elections.class).get("reports").isLeader());
            host(cluster, recorder, "b").withPropertyValues("test.rate=1h").run(b -> {
                Guarded leader = a.getBean(Guarded.class);
                Guarded follower = b.getBean(Guarded.class);
                assertThat(leader.skipped()).isEqualTo("ran");
                assertThat(leader.maybe()).contains("ran");
                assertThat(leader.strict()).isEqualTo("ran");
                assertThat(follower.skipped()).isNull();
                assertThat(follower.maybe()).isEmpty();
                assertThatThrownBy(follower::strict).isInstanceOf(NotLeaderException.class)
                        .hasMessage("Guarded.strict runs only on the leader of 'reports', and this instance does not lead it");
            });
        });
    }

    @Test
    void healthMetersAndTheEndpointTellTheRoleAndResignHandsTheTermOn() {
        Recorder recorder = new Recorder();
        String cluster = cluster();
        host(cluster, recorder, "a").withPropertyValues("test.rate=1h").run(a -> {
            await().atMost(WAIT).until(() -> a.getBean(Elections.class).get("reports").isLeader());
            host(cluster, recorder, "b").withPropertyValues("test.rate=1h").run(b -> {
                await().atMost(WAIT).until(() -> recorder.lines.contains("b sees leader a"));
                Health health = a.getBean("electorHealthIndicator", HealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("connection", "CONNECTED");
                assertThat(roleOf(health)).isEqualTo("LEADER");
                assertThat(roleOf(b.getBean("electorHealthIndicator", HealthIndicator.class).health())).isEqualTo("CANDIDATE");
                assertThat(gauge(a, "elector.leadership")).isEqualTo(1.0);
                assertThat(gauge(b, "elector.leadership")).isEqualTo(0.0);

                ElectorEndpoint endpoint = new ElectorEndpoint(a.getBean(Elections.class));
                assertThat((List<?>) endpoint.election("reports").get("participants")).hasSize(2);
                assertThat(endpoint.resign("reports")).containsEntry("resigned", true);
                await().atMost(WAIT).until(() -> b.getBean(Elections.class).get("reports").isLeader());
                assertThat(a.getBean(MeterRegistry.class).get("elector.terms.ended").tag("reason", RevocationReason.RESIGNED.name()).counter().count())
                        .isEqualTo(1.0);
                assertThat(gauge(b, "elector.leadership")).isEqualTo(1.0);
                await().atMost(WAIT).until(() -> "b".equals(((Map<?, ?>) endpoint.elections().get("elections")).entrySet().stream()
                        .map(e -> (Map<?, ?>) e.getValue()).map(m -> (Map<?, ?>) m.get("leader")).map(l -> l == null ? null : l.get("id"))
                        .findFirst().orElse(null)));
            });
        });
    }

    @Test
    void healthIsOutOfServiceOnceClosedAndTheIndicatorCanBeSwitchedOff() {
        Recorder recorder = new Recorder();
        host(cluster(), recorder, "a").withPropertyValues("test.rate=1h").run(a -> {
            HealthIndicator health = a.getBean("electorHealthIndicator", HealthIndicator.class);
            a.getBean(Coordinator.class).close();
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        });
        host(cluster(), recorder, "a").withPropertyValues("test.rate=1h", "management.health.elector.enabled=false")
                .run(a -> assertThat(a).doesNotHaveBean("electorHealthIndicator"));
    }

    private static int indexOfPrefix(Recorder recorder, String prefix) {
        for (int i = 0; i < recorder.lines.size(); i++) {
            if (recorder.lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    private static Object roleOf(Health health) {
        return ((Map<?, ?>) ((Map<?, ?>) health.getDetails().get("elections")).get("reports")).get("role");
    }

    private static double gauge(AssertableApplicationContext context, String name) {
        return context.getBean(MeterRegistry.class).get(name).tag("election", "reports").gauge().value();
    }

}
