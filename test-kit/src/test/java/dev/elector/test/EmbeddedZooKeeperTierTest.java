package dev.elector.test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The embedded tier: a real ZooKeeper server in this JVM, with the faults it can have. */
@ElectorCluster(backend = ElectorCluster.Backend.EMBEDDED_ZOOKEEPER, sessionTimeout = "2s")
class EmbeddedZooKeeperTierTest {
    @Test
    void aRealServerInThisJvmElectsAndHandsOverOnADeletedEntry(TestCluster cluster, Coordinator coordinator) throws Exception {
        assertTrue(cluster.uri().startsWith("zk://127.0.0.1:") && cluster.uri().contains("sessionTimeout=2s"), cluster.uri());
        Election a = coordinator.election("job", ElectionOptions.builder().participantId("a").build()).start();
        a.awaitLeadership(Duration.ofSeconds(20));
        Election b = cluster.connect().election("job", ElectionOptions.builder().participantId("b").build()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.participants().size() == 2);
        cluster.deleteEntry("job", "a");
        await().atMost(Duration.ofSeconds(20)).until(b::isLeader);
    }

    @Test
    void aStoppedServerEndsTheTermAndARestartedOneElectsAgain(TestCluster cluster) throws Exception {
        Election solo = cluster.connect().election("job").start();
        Leadership first = solo.awaitLeadership(Duration.ofSeconds(20));
        cluster.kill(0);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !first.isValid());
        } finally {
            cluster.restart(0);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> solo.leadership().map(t -> t.fencingToken() > first.fencingToken()).orElse(false));
        assertEquals(1, cluster.members());
        assertThrows(UnsupportedOperationException.class, () -> cluster.pause(0));
    }
}
