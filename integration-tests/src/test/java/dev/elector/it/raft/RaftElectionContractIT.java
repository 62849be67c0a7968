package dev.elector.it.raft;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.Leadership;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.RaftCluster;
import dev.elector.test.contract.ElectionContract;
import dev.elector.test.contract.TimedListener;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract suite, unchanged, on a real 3-voter raft:// group of JVMs on loopback, reached as clients;
 * then what only a Raft group has: its own leader changes, and the rules of its URI.
 */
class RaftElectionContractIT extends ElectionContract {
    private RaftCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = RaftCluster.start(3);
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    /**
     * Raft's leader only orders the log: moving it, or killing its node, must not end an Elector term held
     * elsewhere. The killed node comes back from its own log and the group goes on.
     */
    @Test
    void raftLeaderChangesLeaveTheElectorTermIntact() throws InterruptedException {
        TimedListener events = new TimedListener();
        Election a = candidate(coordinator(), "a", events);
        Leadership term = a.awaitLeadership(WAIT);
        for (int member : new int[] {1, 2, 0}) {
            cluster.leadRaft(member);
            assertTrue(term.isValid(), "the term ended when Raft's leadership moved to member " + member);
        }
        cluster.kill(0); // the Raft leader's node, not the Elector leader's
        long killedAt = System.nanoTime();
        // Two session timeouts: a renewal stalled by the change would have ended the term by then.
        await().atMost(WAIT).until(() -> System.nanoTime() - killedAt > cluster.sessionTimeout().multipliedBy(2).toNanos() || !term.isValid());
        assertTrue(term.isValid(), "the term ended when the Raft leader's node died: " + events.events);
        cluster.restart(0);
        Election b = candidate(coordinator(cluster.uriForMember(0, namespace)), "b", null);
        await().atMost(WAIT).until(() -> b.participants().size() == 2);
        assertTrue(term.isValid());
        assertEquals(0, events.all("revoked").size(), "revocations: " + events.events);
        a.close();
        assertTrue(b.awaitLeadership(WAIT).fencingToken() > term.fencingToken());
    }

    @Test
    void aRaftUriNamesTheRuleItBreaks() {
        String voters = String.join(",", cluster.addresses());
        String one = cluster.addresses().get(0);
        Map<String, String> uris = Map.of(
                "raft://" + voters + "/x?self=127.0.0.1:1&dataDir=/tmp/x", "self '127.0.0.1:1' is not one of the voters",
                "raft://" + voters + "/x?self=" + one, "a voter needs dataDir=PATH",
                "raft://" + voters + "/x?dataDir=/tmp/x", "dataDir is a voter's setting",
                "raft://" + one + "," + cluster.addresses().get(1) + "/x?self=" + one + "&dataDir=/tmp/x", "at least 3 voters",
                "raft://" + voters + ",127.0.0.1:1/x?self=" + one + "&dataDir=/tmp/x", "use an odd number, or add evenVoters=allow",
                "raft://" + voters + "/x?self=" + one + "&dataDir=/tmp/x&electionTimeout=1s&sessionTimeout=5s", "at least 6s",
                "raft://" + voters + "/x?self=" + one + "&dataDir=/tmp/x&electionTimeout=20ms", "must be from 100ms to 10s",
                "raft://" + voters + "/x?electionTimeout=1s", "electionTimeout is a voter's setting");
        uris.forEach((uri, rule) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Coordinator.connect(uri), uri);
            assertTrue(e.getMessage().contains(rule), "'" + e.getMessage() + "' should say " + rule);
        });
    }

    @Test
    void aSessionTheGroupRefusesSaysWhatItAllows() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Coordinator.connect(cluster.uriWithRefusedSessionTimeout(namespace)));
        assertTrue(e.getMessage().contains("at least " + dev.elector.Durations.format(Duration.ofMillis(1800))), e.getMessage());
    }
}
