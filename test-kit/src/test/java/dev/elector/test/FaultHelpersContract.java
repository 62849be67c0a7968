package dev.elector.test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Each fault helper of {@link TestCluster} on a real cluster: two candidates, each on a coordinator of
 * its own, the fault, then what it must cause, with the recorded history checked every time.
 */
abstract class FaultHelpersContract {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private record Pair(LeadershipHistory history, List<Election> candidates) {
        Election leader() {
            await().atMost(WAIT).until(() -> candidates.stream().filter(Election::isLeader).count() == 1);
            return candidates.stream().filter(Election::isLeader).findFirst().orElseThrow();
        }

        void check() {
            history.assertNoOverlap();
            history.assertTokensIncrease();
        }
    }

    private static Pair pair(TestCluster cluster) {
        LeadershipHistory history = LeadershipHistory.of(cluster);
        List<Election> candidates = List.of("a", "b").stream()
                .map(id -> history.record(cluster.connect().election("job", ElectionOptions.builder().participantId(id).build())).start())
                .toList();
        return new Pair(history, candidates);
    }

    @Test
    void aKilledAndRestartedMemberLeavesOneLeaderThroughout(TestCluster cluster) {
        Pair pair = pair(cluster);
        pair.leader();
        cluster.kill(0);
        cluster.restart(0);
        pair.leader();
        pair.check();
    }

    @Test
    void pausedMembersStopTheRenewalsAndResumedOnesElectAgain(TestCluster cluster) {
        Pair pair = pair(cluster);
        pair.leader();
        int majority = cluster.members() / 2 + 1;
        for (int i = 0; i < majority; i++) {
            cluster.pause(i);
        }
        try {
            await("frozen members answer nothing: the leader steps down at its deadline").atMost(WAIT)
                    .until(() -> pair.candidates().stream().noneMatch(Election::isLeader));
        } finally {
            for (int i = 0; i < majority; i++) {
                cluster.resume(i);
            }
        }
        pair.leader();
        pair.check();
    }

    @Test
    void aRollingRestartKeepsAtMostOneLeaderAndEndsWithOne(TestCluster cluster) {
        Pair pair = pair(cluster);
        pair.leader();
        cluster.rollingRestart();
        pair.leader();
        pair.check();
    }

    @Test
    void aLostQuorumEndsEveryTermAndARestoredOneElectsAgain(TestCluster cluster) {
        Pair pair = pair(cluster);
        Election first = pair.leader();
        cluster.loseQuorum();
        long restoring;
        try {
            await("no renewal can be acknowledged, so the leader steps down at its deadline").atMost(WAIT)
                    .until(() -> pair.candidates().stream().noneMatch(Election::isLeader));
        } finally {
            restoring = pair.history().now(); // a leader may be elected while the last member is still starting
            cluster.restoreQuorum();
        }
        pair.leader();
        pair.history().assertLeaderWithin(restoring, WAIT);
        pair.check();
        assertTrue(pair.history().terms().size() >= 2, "a new term after the outage: " + pair.history().terms() + ", first " + first.participantId());
    }

    @Test
    void aDeletedLeaderEntryHandsLeadershipToTheOther(TestCluster cluster) {
        Pair pair = pair(cluster);
        Election first = pair.leader();
        await().atMost(WAIT).until(() -> first.participants().size() == 2);
        cluster.deleteEntry("job", first.participantId());
        await().atMost(WAIT).until(() -> pair.candidates().stream().anyMatch(e -> e != first && e.isLeader()));
        assertFalse(first.isLeader());
        pair.check();
    }

    @Test
    void aLeaderCutOffOnItsRouteStepsDownTheOtherLeadsAndItRejoinsWhenHealed(TestCluster cluster) {
        cutOff(cluster, Route::partition, true);
    }

    /** Its renewals never arrive: as cut off both ways, the server ends its session and elects the other. */
    @Test
    void aLeaderWhoseRequestsAreDroppedStepsDownAndTheOtherLeads(TestCluster cluster) {
        cutOff(cluster, Route::partitionOutbound, true);
    }

    /**
     * Its renewals arrive but the answers do not: the server may keep its session and entry, so the other
     * need not be elected meanwhile, but the leader must step down on its own clock, without a word from
     * the server, and no two terms may overlap.
     */
    @Test
    void aLeaderThatHearsNoAnswersStepsDownOnItsOwnClock(TestCluster cluster) {
        cutOff(cluster, Route::partitionInbound, false);
    }

    /**
     * "a" leads through a route, "b" queues behind it directly; {@code cut} cuts the route until "a" steps
     * down (and, if {@code otherLeads}, "b" is elected); healed, "a" stands again and one of them leads.
     */
    private static void cutOff(TestCluster cluster, Consumer<Route> cut, boolean otherLeads) {
        LeadershipHistory history = LeadershipHistory.of(cluster);
        Route route = cluster.route();
        Election cutOff = history.record(cluster.connect(route).election("job", ElectionOptions.builder().participantId("a").build())).start();
        await().atMost(WAIT).until(cutOff::isLeader);
        Election other = history.record(cluster.connect().election("job", ElectionOptions.builder().participantId("b").build())).start();
        await().atMost(WAIT).until(() -> other.participants().size() == 2);
        cut.accept(route);
        try {
            await("the cut-off leader steps down" + (otherLeads ? " and the other is elected" : "")).atMost(WAIT)
                    .until(() -> !cutOff.isLeader() && (!otherLeads || other.isLeader()));
        } finally {
            route.heal();
        }
        await("healed, it stands again, and one of the two leads").atMost(WAIT)
                .until(() -> other.participants().size() == 2 && (cutOff.isLeader() ^ other.isLeader()));
        history.assertNoOverlap();
        history.assertTokensIncrease();
    }

    @Test
    void anExpiredSessionEndsItsTermAndItsCandidateJoinsAgainWithAGreaterToken(TestCluster cluster) throws Exception {
        Election solo = cluster.connect().election("job", ElectionOptions.builder().participantId("solo").build()).start();
        Leadership first = solo.awaitLeadership(WAIT);
        cluster.expireSession("job", "solo");
        RevocationReason reason = first.lost().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(Set.of(RevocationReason.SESSION_LOST, RevocationReason.ENTRY_DELETED).contains(reason), "ended by the server, not " + reason);
        await().atMost(WAIT).until(() -> solo.leadership().map(t -> t.fencingToken() > first.fencingToken()).orElse(false));
    }

    @Test
    void aDelayedOrResetRouteCostsNoLeadershipTheSessionRidesOverBoth(TestCluster cluster) throws Exception {
        Route route = cluster.route();
        Election a = cluster.connect(route).election("job").start();
        Leadership term = a.awaitLeadership(WAIT);
        route.delay(Duration.ofMillis(50));
        await("a 50 ms delay is no partition").during(cluster.sessionTimeout()).atMost(cluster.sessionTimeout().multipliedBy(3)).until(term::isValid);
        route.heal();
        route.reset();
        // ZooKeeper rides over a reset in the same term (ZooKeeperFaultHelpersIT); etcd's Elector steps down
        // when its own entry's watch is lost with the connection, then stands again.
        await("after a reset the client reconnects and leads").atMost(WAIT).until(a::isLeader);
    }
}
