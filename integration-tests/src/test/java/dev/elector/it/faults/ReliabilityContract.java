package dev.elector.it.faults;

import dev.elector.test.cluster.TcpProxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.test.cluster.ClusterUnderTest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Faults, repeated, with the properties checked on the recorded history after every trial: no two
 * believed-leader intervals overlap, tokens only increase, the fenced resource lets no stale write in, a
 * leader exists again within the TTL plus {@link #LIVENESS_BOUND} after the heal, and nothing is left in
 * the cluster once everyone has left. Participants are child JVMs reaching the cluster through proxies of
 * their own. Trials per scenario: {@code -Dreliability.trials=N} (default 1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.MethodName.class)
public abstract class ReliabilityContract {
    /** How long after the TTL a leader must exist again once a fault heals, on a slow, shared 2-core machine. */
    static final Duration LIVENESS_BOUND = Duration.ofSeconds(10);
    private static final int TRIALS = Integer.getInteger("reliability.trials", 1);

    /** The cluster, started once for the class. */
    protected abstract ClusterUnderTest cluster();

    private Duration ttl() {
        return cluster().sessionTimeout();
    }

    private void trials(String scenario, Trial.Scenario<ClusterTrial> body) throws Exception {
        Trial.run(scenario, cluster().backendName(), TRIALS, () -> new ClusterTrial(cluster()), body);
    }

    /** Every property, for every trial: the failures of all trials are reported together. */
    static void assertHeld(List<Trial.Outcome> outcomes) {
        assertAll(outcomes.stream().map(o -> () -> {
            assertEquals(0, o.overlapNanos(), "believed-leader intervals overlapped: " + o.detail());
            assertEquals(0, o.staleAccepted(), "the fenced resource let a stale write in: " + o.detail());
            assertTrue(o.tokensIncreasing(), "tokens went back: " + o.detail());
            assertTrue(!o.livenessViolated(), "no leader after the heal: " + o.detail());
            assertEquals(0, o.leakedEntries(), "entries left after everyone left: " + o.detail());
        }));
    }

    @AfterAll
    void report() {
        ReliabilityReport.write();
        cluster().close();
    }

    @Test
    void s01SigkillTheLeader() throws Exception {
        trials("01 SIGKILL the leader", t -> {
            String leader = t.start(3);
            t.fault();
            t.fleet.kill(leader);
            t.spawn();
            t.healed();
        });
    }

    @Test
    void s02SigstopTheLeaderPastItsDeadline() throws Exception {
        trials("02 SIGSTOP the leader past its deadline", t -> {
            String leader = t.start(3);
            int runs = t.fleet.count(leader, "RUN");
            await().atMost(Duration.ofSeconds(5)).until(() -> t.fleet.count(leader, "RUN") > runs);
            t.fault(); // in the middle of a job run, so its in-flight write must meet the fence after the resume
            t.pause(leader);
            Trial.hold(ttl().multipliedBy(2));
            t.resume(leader);
            t.healed();
        });
    }

    @Test
    void s03PartitionTheLeaderBothWays() throws Exception {
        trials("03 partition the leader, both ways", t -> {
            String leader = t.start(3);
            t.fault();
            t.block(leader, TcpProxy.Direction.TO_SERVER, TcpProxy.Direction.TO_CLIENT);
            Trial.hold(ttl().multipliedBy(2));
            t.heal(leader);
            t.healed();
        });
    }

    @Test
    void s04PartitionTheLeaderOneWayThenTheOther() throws Exception {
        trials("04 partition the leader one way, then the other", t -> {
            String leader = t.start(3);
            t.fault();
            t.block(leader, TcpProxy.Direction.TO_CLIENT); // it can send but not receive
            Trial.hold(ttl().multipliedBy(2));
            t.heal(leader);
            String next = t.awaitLeader(ttl().plus(LIVENESS_BOUND));
            t.block(next, TcpProxy.Direction.TO_SERVER); // it can receive but not send
            Trial.hold(ttl().multipliedBy(2));
            t.heal(next);
            t.healed();
        });
    }

    @Test
    void s05KillTheMemberTheLeaderIsConnectedTo() throws Exception {
        trials("05 kill the member the leader is connected to", t -> {
            String leader = t.start(3);
            List<TcpProxy> own = t.proxiesOf(leader);
            int member = 0;
            for (int i = 0; i < own.size(); i++) {
                if (own.get(i).connections() > 0) {
                    member = i;
                    break;
                }
            }
            t.note("killed member " + member);
            t.fault();
            t.cluster.kill(member);
            Trial.hold(ttl().multipliedBy(2));
            t.cluster.restart(member);
            t.healed();
        });
    }

    @Test
    void s06QuorumLossThenRecovery() throws Exception {
        trials("06 quorum loss (2 of 3 members down), then recovery", t -> {
            String leader = t.start(3);
            int revoked = t.fleet.count(leader, "REVOKED");
            t.fault();
            t.cluster.kill(0);
            t.cluster.kill(1);
            try {
                // With no quorum, the leader must step down by its own deadline: at most a TTL after the fault.
                await("the leader steps down without a quorum").atMost(ttl().plusSeconds(2)).until(() -> t.fleet.count(leader, "REVOKED") > revoked);
            } finally {
                t.cluster.restart(0);
                t.cluster.restart(1);
            }
            t.healed();
        });
    }

    @Test
    void s07AnOperatorDeletesTheLeadersEntry() throws Exception {
        trials("07 an operator deletes the leader's entry", t -> {
            String leader = t.start(3);
            t.fault();
            t.cluster.deleteEntry(t.namespace, Trial.ELECTION, leader);
            t.healed();
        });
    }

    @Test
    void s08aSessionExpiresWhileTheClientReconnects() throws Exception {
        trials("08a session expiry while the leader reconnects", t -> {
            String leader = t.start(3);
            t.fault();
            t.block(leader, TcpProxy.Direction.TO_SERVER, TcpProxy.Direction.TO_CLIENT);
            Trial.hold(ttl().plus(ttl().dividedBy(2)));
            t.heal(leader);
            t.proxiesOf(leader).forEach(TcpProxy::reset); // reconnect at once, into an expired session
            t.healed();
        });
    }

    @Test
    void s08bLeaseExpiresWhileACandidateWaits() throws Exception {
        trials("08b lease or session expiry while a candidate waits", t -> {
            String leader = t.start(3);
            String waiting = t.fleet.ids().stream().filter(id -> !id.equals(leader)).findFirst().orElseThrow();
            t.fault();
            t.block(waiting, TcpProxy.Direction.TO_SERVER, TcpProxy.Direction.TO_CLIENT);
            Trial.hold(ttl().multipliedBy(2));
            // The leader leaves the moment the waiting candidate's link comes back: its watch fires before it
            // can have noticed that its own entry is gone with its session.
            t.fleet.resign(leader);
            t.heal(waiting);
            t.healed();
        });
    }

    @Test
    void s09RollingRestartOfAllMembers() throws Exception {
        trials("09 rolling restart of all members", t -> {
            t.start(3);
            t.fault();
            for (int member = 0; member < t.cluster.size(); member++) {
                t.cluster.kill(member);
                t.cluster.restart(member);
            }
            t.healed();
        });
    }

    @Test
    void s11DelayTheLeadersTraffic() throws Exception {
        trials("11 delay the leader's traffic by 400 ms each way", t -> {
            String leader = t.start(3);
            t.fault();
            t.delay(leader, Duration.ofMillis(400));
            Trial.hold(ttl().multipliedBy(2));
            t.heal(leader);
            t.healed();
        });
    }

    @Test
    void s10Churn() throws Exception {
        trials("10 churn: joins, resignations and crashes", t -> {
            t.start(3);
            Random random = new Random(42);
            t.fault();
            long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() - end < 0) {
                int dice = random.nextInt(10);
                List<String> ids = t.fleet.ids();
                if (dice < 3) {
                    t.leaderNow().ifPresent(t.fleet::resign);
                } else if (dice < 6 && ids.size() > 2) {
                    t.fleet.kill(ids.get(random.nextInt(ids.size())));
                    t.spawn();
                } else if (dice < 8 && ids.size() < 5) {
                    t.spawn();
                }
                Trial.hold(Duration.ofMillis(400));
            }
            t.healed();
        });
    }
}
