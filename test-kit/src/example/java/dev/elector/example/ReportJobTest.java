package dev.elector.example;

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

/**
 * The README's "Testing your code" example, as a user's project has it: on the in-memory tier here, in
 * {@code elector-test}'s own build and in a consumer build that depends only on {@code elector-test} and a
 * backend; the kit's {@code EtcdReadmeIT} runs it unchanged on a real etcd cluster.
 */
// README testing example begins
@ElectorCluster(backend = ElectorCluster.Backend.IN_MEMORY)
public class ReportJobTest {
    @Test
    public void theReportMovesWhenItsLeaderLosesItsSession(TestCluster cluster) {
        FencedResource<String> store = new FencedResource<>();
        for (String host : new String[] {"a", "b"}) {
            Coordinator coordinator = cluster.connect();                  // closed after the test
            Election election = coordinator.election("report", ElectionOptions.builder().participantId(host).build()).start();
            LeaderJob.builder(election, run -> store.write(run.fencingToken(), host)).atFixedRate(Duration.ofMillis(50)).start();
        }
        await().until(() -> !store.accepted().isEmpty());
        String first = store.accepted().get(0).value();
        cluster.expireSession("report", first);                            // its server forgets it
        await().until(() -> !store.accepted().get(store.accepted().size() - 1).value().equals(first));
        assertEquals(2, store.tokens().size(), "one term each, the second with the greater token");
    }
}
// README testing example ends
