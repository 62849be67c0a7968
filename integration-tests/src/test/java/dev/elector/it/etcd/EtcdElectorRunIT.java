package dev.elector.it.etcd;

import dev.elector.test.cluster.EtcdCluster;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.it.ElectorRunContract;

/** {@code elector run} on a real 3-member etcd cluster. */
class EtcdElectorRunIT extends ElectorRunContract {
    private final EtcdCluster cluster = EtcdCluster.start(3);

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }
}
