package dev.elector.test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.Leadership;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-memory tier's scripted faults, on its manual clock: deterministic and without waiting. */
@ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY, sessionTimeout = "10s")
class InMemoryTierTest {
    private static Election candidate(Coordinator coordinator, String id) {
        return coordinator.election("job", ElectionOptions.builder().participantId(id).build()).start();
    }

    @Test
    void refusedRenewalsEndTheTermExactlyAtItsDeadlineOnTheManualClock(TestCluster cluster) throws Exception {
        Election solo = candidate(cluster.connect(), "solo");
        Leadership term = solo.awaitLeadership(Duration.ofSeconds(10));
        cluster.refuseRenewals("job", "solo", true);
        long left = term.validUntilNanos() - cluster.clock().orElseThrow().nanoTime();
        cluster.advance(Duration.ofNanos(left - 1));
        assertTrue(term.isValid(), "valid until its deadline");
        cluster.advance(Duration.ofNanos(1));
        assertFalse(term.isValid());
        assertEquals(RevocationReason.DEADLINE_PASSED, term.lost().toCompletableFuture().get(10, TimeUnit.SECONDS));
        cluster.refuseRenewals("job", "solo", false);
        // Time moves only here: the next renewal is acknowledged, and the candidate joins again.
        await().until(() -> {
            cluster.advance(Duration.ofMillis(500));
            return solo.leadership().map(t -> t.fencingToken() > term.fencingToken()).orElse(false);
        });
    }

    @Test
    void anExpiredSessionAndADeletedEntryEachHandLeadershipOn(TestCluster cluster) throws Exception {
        Election a = candidate(cluster.connect(), "a");
        a.awaitLeadership(Duration.ofSeconds(10));
        Election b = candidate(cluster.connect(), "b");
        await().until(() -> a.participants().size() == 2);
        cluster.expireSession("job", "a");
        await().until(b::isLeader);
        await().until(() -> b.participants().size() == 2); // a joined again, behind b
        cluster.deleteEntry("job", "b");
        await().until(a::isLeader);
    }

    @Test
    void aLeaderPausedBetweenItsCheckAndItsWriteHasTheLateWriteRejected(TestCluster cluster) throws Exception {
        FencedResource<String> store = new FencedResource<>();
        Election a = candidate(cluster.connect(), "a");
        Leadership aTerm = a.awaitLeadership(Duration.ofSeconds(10));
        Election b = candidate(cluster.connect(), "b");
        await().until(() -> a.participants().size() == 2);
        assertTrue(aTerm.isValid(), "a checks its term, then pauses before it writes");
        cluster.expireSession("job", "a"); // meanwhile its session ends, and b is elected and writes
        Leadership bTerm = b.awaitLeadership(Duration.ofSeconds(10));
        assertTrue(store.write(bTerm.fencingToken(), "b"));
        assertFalse(store.write(aTerm.fencingToken(), "a"), "a wakes up and writes with the token it checked");
        assertEquals(List.of(new FencedResource.Write<>(aTerm.fencingToken(), "a")), store.rejected());
        assertEquals(List.of(bTerm.fencingToken()), store.tokens());
    }

    @Test
    void memberFaultsAreRefusedWithTheTierToUseInstead(TestCluster cluster) {
        assertEquals(0, cluster.members());
        String message = assertThrows(UnsupportedOperationException.class, () -> cluster.kill(0)).getMessage();
        assertTrue(message.contains("use @ElectorCluster(backend = ZOOKEEPER or ETCD)"), message);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> cluster.deleteEntry("job", "nobody")).getMessage()
                .contains("'nobody' has no entry in 'job'"));
    }

    @Test
    void eachTestHasANamespaceOfItsOwnAndCanTakeAReadyCoordinatorOrTheUri(Coordinator coordinator, TestCluster cluster, @ClusterUri String uri) {
        assertTrue(coordinator.uri().startsWith("mem://kit-"), coordinator.uri());
        assertEquals(cluster.uri(), coordinator.uri());
        assertEquals(cluster.uri(), uri);
        assertTrue(coordinator.election("job").participants().isEmpty(), "nothing left from the other tests");
        candidate(coordinator, "a");
        try (Coordinator byUri = Coordinator.connect(uri)) {
            await().until(() -> byUri.election("job").participants().size() == 1); // the same cluster, the same namespace
        }
    }
}
