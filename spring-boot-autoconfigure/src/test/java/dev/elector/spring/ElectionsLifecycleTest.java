package dev.elector.spring;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.elector.Coordinator;
import dev.elector.LeaderJob;
import dev.elector.test.InMemoryCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Elections} as a lifecycle on its own, on the kit's in-memory backend. */
class ElectionsLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aStartThatFailsHalfWayStopsTheJobsAndLeavesTheElectionsItStarted() {
        String name = "c" + UUID.randomUUID().toString().replace("-", "");
        InMemoryCluster cluster = InMemoryCluster.named(name, "ns");
        ElectorProperties properties = new ElectorProperties(true, "mem://" + name + "/ns?sessionTimeout=20s", null, null, null, "a", null,
                new ElectorProperties.TlsFiles(null, null, null, false), null, null,
                Map.of("reports", new ElectorProperties.ElectionSettings(ElectorProperties.Role.CANDIDATE)));
        AtomicInteger runs = new AtomicInteger();
        try (Coordinator coordinator = Coordinator.connect(properties.connect())) {
            Elections elections = new Elections(coordinator, properties, event -> { }, WAIT, () -> List.of(
                    e -> LeaderJob.builder(e.get("reports"), run -> runs.incrementAndGet()).atFixedRate(Duration.ofMillis(50)),
                    e -> {
                        // The first job is running by now: its ticks must stop with the failed start.
                        await().atMost(WAIT).until(() -> runs.get() >= 2);
                        throw new IllegalStateException("a job that cannot start");
                    }));
            IllegalStateException thrown = assertThrows(IllegalStateException.class, elections::start);
            assertEquals("a job that cannot start", thrown.getMessage());
            assertFalse(elections.isRunning());
            await().atMost(WAIT).until(() -> cluster.queue("reports").isEmpty());
            int after = runs.get();
            await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> runs.get() == after);
        }
    }
}
