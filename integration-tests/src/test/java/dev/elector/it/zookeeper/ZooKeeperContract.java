package dev.elector.it.zookeeper;

import dev.elector.test.cluster.ZooKeeperCluster;
import dev.elector.test.cluster.ZooKeeperEnsemble;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.elector.Election;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.contract.ElectionContract;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on ZooKeeper, plus what only ZooKeeper has: a fleet mixing Curator's LeaderLatch and Elector. */
abstract class ZooKeeperContract extends ElectionContract {
    private ZooKeeperCluster cluster;

    abstract ZooKeeperEnsemble startEnsemble();

    @BeforeAll
    void startCluster() {
        cluster = new ZooKeeperCluster(startEnsemble());
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    @Test
    void aCuratorLeaderLatchAndAnElectorParticipantOnOnePathAgreeOnOneLeader() throws Exception {
        CuratorFramework client = cluster.admin().usingNamespace(namespace);
        // Not in try-with-resources: LeaderLatch throws when closed twice, and this test closes it mid-way.
        LeaderLatch latch = new LeaderLatch(client, "/" + ELECTION, "latch-1");
        latch.start();
        try {
            await().atMost(WAIT).until(latch::hasLeadership);
            Election elector = candidate(coordinator(), "elector-1", null);
            await().atMost(WAIT).until(() -> elector.participants().size() == 2);
            assertEquals("latch-1", elector.leader().orElseThrow().id(), "Elector reads the latch's node as a participant");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> latch.hasLeadership() && !elector.isLeader());

            latch.close();
            elector.awaitLeadership(WAIT);
            try (LeaderLatch second = new LeaderLatch(client, "/" + ELECTION, "latch-2")) {
                second.start();
                await().atMost(WAIT).until(() -> second.getParticipants().size() == 2);
                assertEquals("elector-1", second.getLeader().getId(), "the latch reads Elector's node as the leader");
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> elector.isLeader() && !second.hasLeadership());
                elector.close();
                await().atMost(WAIT).until(second::hasLeadership);
                assertFalse(elector.isLeader());
            }
        } finally {
            if (latch.getState() == LeaderLatch.State.STARTED) {
                latch.close();
            }
        }
    }
}
