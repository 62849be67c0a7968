package dev.elector.test.contract;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.elector.Coordinator;
import dev.elector.Election;
import dev.elector.ElectionOptions;
import dev.elector.LeaderJob;
import dev.elector.test.ElectorCluster;
import dev.elector.test.FencedResource;
import dev.elector.test.TestCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/*
 * The README's "Testing your code" example, as a user's project has it, and the one copy of it: README.md
 * shows the lines between the markers (ReadmeCopiesTest keeps them equal). It runs on the in-memory tier
 * in the kit's build (ReportJobInMemoryTest) and in a consumer build that depends only on elector-test and a
 * backend (test-kit/consumer), and ElectionContract calls the same method on every real cluster. It is in
 * the contract's package, compiled with the kit, only so that the contract suite can call it.
 */
// README testing example begins
@ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY)   // or EMBEDDED_ZOOKEEPER, ZOOKEEPER, ETCD
class ReportJobTest {
    @Test
    void theReportMovesWhenItsLeaderLosesItsSession(TestCluster cluster) {
        FencedResource<String> store = new FencedResource<>();
        for (String host : new String[] {"a", "b"}) {
            Coordinator coordinator = cluster.connect();   // closed after the test
            Election election = coordinator.election("report", ElectionOptions.builder().participantId(host).build()).start();
            LeaderJob.builder(election, run -> store.write(run.fencingToken(), host)).atFixedRate(Duration.ofMillis(50)).start();
        }
        await().until(() -> !store.accepted().isEmpty());
        String first = store.accepted().get(0).value();
        cluster.expireSession("report", first);   // its server forgets it
        await().until(() -> !store.accepted().get(store.accepted().size() - 1).value().equals(first));
        assertEquals(2, store.tokens().size(), "one term each, the second with the greater token");
    }
}
// README testing example ends
