package dev.elector.it.spring;

import dev.elector.it.SpringBootAppContract;
import java.time.Duration;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.ProcessEnsemble;
import dev.elector.test.cluster.ZooKeeperCluster;

/** The example Boot application as three JVMs on a real 3-node ZooKeeper ensemble. */
class ZooKeeperSpringBootIT extends SpringBootAppContract {
    private final ZooKeeperCluster cluster = new ZooKeeperCluster(ProcessEnsemble.start(3));

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    /** The ensemble's maxSessionTimeout. */
    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(4);
    }
}
