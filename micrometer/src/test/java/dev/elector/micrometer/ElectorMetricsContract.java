package dev.elector.micrometer;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.LeaderJob;
import dev.elector.Leadership;
import dev.elector.test.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The meters through a failover, on each tier a subclass names. */
abstract class ElectorMetricsContract {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void gaugesFollowEachTermAcrossAFailoverAndCountersCountTermsAndReasons(TestCluster cluster) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Coordinator coordinator = cluster.connect();
        ElectorMetrics.bind(registry, coordinator);
        Election a = coordinator.election("report", ElectionOptions.builder().participantId("a").build());
        ElectorMetrics.bind(registry, a);
        a.start();
        Leadership first = a.awaitLeadership(WAIT);
        assertEquals(1.0, registry.get("elector.leadership").tag("election", "report").gauge().value());
        assertTrue(registry.get("elector.leadership.remaining").gauge().value() > 0);
        assertEquals(1.0, registry.get("elector.connection.state").gauge().value());
        Election b = cluster.connect().election("report", ElectionOptions.builder().participantId("b").build()).start();
        await().atMost(WAIT).until(() -> a.participants().size() == 2);

        cluster.deleteEntry("report", "a"); // a steps down, b leads, a joins again behind it
        await().atMost(WAIT).until(b::isLeader);
        // The listener counts the end, then times the term: wait for both, since it runs on a thread of its own.
        await().atMost(WAIT).until(() -> registry.get("elector.terms.ended").tag("reason", "ENTRY_DELETED").counter().count() == 1
                && registry.get("elector.term.duration").timer().count() == 1);
        assertEquals(0.0, registry.get("elector.leadership").gauge().value(), "the same gauge reads the new state, not NaN");
        assertEquals(0.0, registry.get("elector.leadership.remaining").gauge().value());
        b.close(); // a leads again: the second term of the same gauges
        Leadership second = a.awaitLeadership(WAIT);
        assertTrue(second.fencingToken() > first.fencingToken());
        await().atMost(WAIT).until(() -> registry.get("elector.leadership").gauge().value() == 1.0);
        // The term's events reach the listener after isLeader() turns true, so the counts are awaited.
        await().atMost(WAIT).until(() -> registry.get("elector.terms.started").counter().count() == 2.0
                && registry.get("elector.election.duration").timer().count() == 2);
        assertEquals(0.0, registry.get("elector.terms.ended").tag("reason", "SESSION_LOST").counter().count(), "every reason is there, at zero");
    }

    @Test
    void renewalRoundTripsAreTimed(TestCluster cluster) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Coordinator coordinator = cluster.connect();
        ElectorMetrics.bind(registry, coordinator);
        // Renewals go out every fifth of the session timeout; the first came before the meters were bound.
        await().atMost(WAIT).until(() -> {
            cluster.advance(cluster.sessionTimeout().dividedBy(5));
            return registry.get("elector.renewal").tag("outcome", "success").timer().count() >= 2;
        });
        assertTrue(registry.get("elector.renewal").tag("outcome", "success").timer().max(java.util.concurrent.TimeUnit.NANOSECONDS) > 0
                || cluster.clock().isPresent(), "a real round trip takes time; a manual clock's may take none");
        assertEquals(0, registry.get("elector.renewal").tag("outcome", "failure").timer().count());
    }

    @Test
    void jobRunsAreTimedByOutcome(TestCluster cluster) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Election election = cluster.connect().election("compaction").start();
        election.awaitLeadership(WAIT);
        int[] runs = {0};
        try (LeaderJob job = LeaderJob.builder(election, ctx -> {
            if (++runs[0] % 2 == 0) {
                throw new IllegalStateException("every other run fails");
            }
        }).atFixedRate(Duration.ofMillis(50)).listener(ElectorMetrics.jobListener(registry, "compaction")).start()) {
            await().atMost(WAIT).until(() -> registry.get("elector.job.runs").tag("outcome", "failure").timer().count() >= 2);
        }
        assertTrue(registry.get("elector.job.runs").tag("outcome", "success").timer().count() >= 2);
        assertEquals(0, registry.get("elector.job.runs").tag("outcome", "interrupted").timer().count());
        assertEquals(0.0, registry.get("elector.job.overruns").counter().count());
    }
}
