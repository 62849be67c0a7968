package dev.elector.test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.RevocationReason;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The fault helpers on a real 3-member etcd cluster, where a session can also be expired at once. */
@ElectorCluster(backend = ElectorCluster.Backend.ETCD, nodes = 3, sessionTimeout = "3s")
class EtcdFaultHelpersIT extends FaultHelpersContract {
    @Test
    void anExpiredSessionEndsItsTermAndItsCandidateJoinsAgainWithAGreaterToken(TestCluster cluster) throws Exception {
        Election solo = cluster.connect().election("job", ElectionOptions.builder().participantId("solo").build()).start();
        var first = solo.awaitLeadership(Duration.ofSeconds(30));
        cluster.expireSession("job", "solo");
        CompletableFuture<RevocationReason> lost = first.lost().toCompletableFuture();
        assertTrue(java.util.Set.of(RevocationReason.SESSION_LOST, RevocationReason.ENTRY_DELETED).contains(lost.get(30, java.util.concurrent.TimeUnit.SECONDS)));
        await().atMost(Duration.ofSeconds(30)).until(() -> solo.leadership().map(t -> t.fencingToken() > first.fencingToken()).orElse(false));
    }
}
