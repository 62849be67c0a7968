package dev.elector.it.etcd;

import dev.elector.test.cluster.EtcdCluster;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.it.faults.ReliabilityContract;

/** The fault scenarios on a real 3-member etcd cluster. */
class EtcdReliabilityIT extends ReliabilityContract {
    private final EtcdCluster cluster = EtcdCluster.start(3);

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }
}
