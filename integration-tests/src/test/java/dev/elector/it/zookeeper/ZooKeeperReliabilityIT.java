package dev.elector.it.zookeeper;

import dev.elector.test.cluster.ZooKeeperCluster;
import dev.elector.test.cluster.ProcessEnsemble;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.it.faults.ReliabilityContract;

/** The fault scenarios on a real 3-node ZooKeeper ensemble. */
class ZooKeeperReliabilityIT extends ReliabilityContract {
    private final ZooKeeperCluster cluster = new ZooKeeperCluster(ProcessEnsemble.start(3));

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }
}
