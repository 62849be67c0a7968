package dev.elector.test;

import dev.elector.Election;
import org.junit.jupiter.api.Test;

/** The fault helpers on a real 3-node ZooKeeper ensemble, each member a JVM of its own. */
@ElectorCluster(backend = ElectorCluster.Backend.ZOOKEEPER, nodes = 3, sessionTimeout = "4s")
class ZooKeeperFaultHelpersIT extends FaultHelpersContract {
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
