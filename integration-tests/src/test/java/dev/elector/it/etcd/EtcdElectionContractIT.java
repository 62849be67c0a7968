package dev.elector.it.etcd;

import dev.elector.test.cluster.EtcdCluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.Leadership;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.contract.ElectionContract;
import dev.elector.test.cluster.Processes;
import dev.elector.test.contract.TimedListener;
import io.etcd.jetcd.KeyValue;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract suite on a real 3-member etcd cluster of processes on loopback, plus what only etcd has. */
class EtcdElectionContractIT extends ElectionContract {
    private EtcdCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = EtcdCluster.start(3);
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    @Test
    void aCandidateWhoseLeaseExpiresWhileItWaitsNeverClaimsWithItAndJoinsAgain() throws Exception {
        LeaderAndNext two = leaderAndNext();
        Election a = two.a();
        Leadership aTerm = two.aTerm();
        Election b = two.b();
        TimedListener bEvents = two.bEvents();
        KeyValue oldKey = cluster.keyOf(namespace, ELECTION, "b");

        // The lease goes while b waits, and its predecessor leaves at the same moment: b's watch fires
        // before b can have noticed the lost lease, the phantom-campaign race of etcd #19597.
        cluster.admin().getLeaseClient().revoke(oldKey.getLease()).get(10, TimeUnit.SECONDS);
        a.close();

        Leadership bTerm = b.awaitLeadership(WAIT);
        await().atMost(WAIT).until(() -> bEvents.first("elected").isPresent());
        assertEquals(List.of(bTerm.fencingToken()), bEvents.all("elected").stream().map(TimedListener.Event::token).toList(),
                "b was elected once, with its new key");
        assertTrue(bTerm.fencingToken() > oldKey.getCreateRevision(), "b leads with a new key, not the one whose lease expired");
        assertTrue(bTerm.fencingToken() > aTerm.fencingToken());
        KeyValue newKey = cluster.keyOf(namespace, ELECTION, "b");
        assertTrue(newKey.getLease() != oldKey.getLease(), "b registered again under a new lease");
    }

    @Test
    void aHundredElectionsOnOneCoordinatorShareExactlyOneLeaseAndOneWatchStream() {
        Set<String> before = leases();
        double streams = cluster.gauge("etcd_debugging_mvcc_watch_stream_total");
        double watchers = cluster.gauge("etcd_debugging_mvcc_watcher_total");
        Coordinator c = coordinator();
        List<Election> elections = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            elections.add(c.election("election-" + i).start());
        }
        await().atMost(WAIT).until(() -> elections.stream().allMatch(Election::isLeader));
        Set<String> added = new HashSet<>(leases());
        added.removeAll(before);
        assertEquals(1, added.size(), "leases added by one coordinator: " + added);
        // Each leading election watches its own key; all those watchers ride on the coordinator's one stream.
        assertTrue(cluster.gauge("etcd_debugging_mvcc_watcher_total") - watchers >= 100, "the servers count the watchers");
        assertTrue(cluster.gauge("etcd_debugging_mvcc_watch_stream_total") - streams <= 1, "watch streams added by one coordinator");
        long lease = Long.parseLong(added.iterator().next(), 16);
        for (int i = 0; i < 100; i += 33) {
            List<KeyValue> keys = cluster.keys(namespace, "election-" + i);
            assertEquals(1, keys.size());
            assertEquals(lease, keys.get(0).getLease());
        }
    }

    private Set<String> leases() {
        return cluster.leases();
    }

    @Test
    void etcdctlElectAndElectorOnOnePrefixAgreeOnOneLeaderAndHandOverBothWays() throws Exception {
        String prefix = "/" + namespace + "/" + ELECTION;
        List<String> first = new CopyOnWriteArrayList<>();
        Process ctl = follow(cluster.startEtcdctl("elect", prefix, "ctl-1"), first);
        try {
            await().atMost(WAIT).until(() -> first.contains("ctl-1"));
            Election elector = candidate(coordinator(), "elector-1", null);
            await().atMost(WAIT).until(() -> elector.participants().size() == 2);
            assertEquals("ctl-1", elector.leader().orElseThrow().id(), "Elector reads etcdctl's key as the leader");
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !elector.isLeader());

            Processes.signal(ctl, "INT"); // etcdctl resigns on SIGINT
            elector.awaitLeadership(WAIT);

            List<String> second = new CopyOnWriteArrayList<>();
            Process ctl2 = follow(cluster.startEtcdctl("elect", prefix, "ctl-2"), second);
            try {
                await().atMost(WAIT).until(() -> cluster.keys(namespace, ELECTION).size() == 2);
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> elector.isLeader() && !second.contains("ctl-2"));
                elector.close();
                await().atMost(WAIT).until(() -> second.contains("ctl-2"));
            } finally {
                Processes.signal(ctl2, "INT");
                ctl2.waitFor(10, TimeUnit.SECONDS);
                Processes.kill(ctl2);
            }
        } finally {
            Processes.kill(ctl);
        }
    }

    private static Process follow(Process process, List<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line.trim());
                }
            } catch (Exception e) {
                // the process ended
            }
        }, "etcdctl-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }
}
