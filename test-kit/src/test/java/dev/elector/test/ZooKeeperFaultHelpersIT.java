package dev.elector.test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.elector.Election;
import org.junit.jupiter.api.Test;

/** The fault helpers on a real 3-node ZooKeeper ensemble, each member a JVM of its own. */
@ElectorCluster(backend = ElectorCluster.Backend.ZOOKEEPER, nodes = 3, sessionTimeout = "3s")
class ZooKeeperFaultHelpersIT extends FaultHelpersContract {
    @Test
    void aSessionCannotBeExpiredFromOutsideAndTheErrorSaysWhatToDoInstead(TestCluster cluster) {
        cluster.connect().election("job").start();
        String message = assertThrows(UnsupportedOperationException.class, () -> cluster.expireSession("job", "anyone")).getMessage();
        assertTrue(message.contains("route() and partition()"), message);
    }

    @Test
    void aResetConnectionReconnectsIntoTheSameSessionAndTheTermGoesOn(TestCluster cluster) throws Exception {
        Route route = cluster.route();
        Election a = cluster.connect(route).election("job").start();
        dev.elector.Leadership term = a.awaitLeadership(java.time.Duration.ofSeconds(30));
        route.reset();
        org.awaitility.Awaitility.await("the same term, across the reconnect").during(cluster.sessionTimeout())
                .atMost(cluster.sessionTimeout().multipliedBy(3)).until(term::isValid);
    }
}
