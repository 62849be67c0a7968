package dev.elector.it.spring;

import dev.elector.it.SpringBootAppContract;
import java.time.Duration;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.EtcdCluster;

/** The example Boot application as three JVMs on a real 3-member etcd cluster, on the Netty Boot chooses (4.2). */
class EtcdSpringBootIT extends SpringBootAppContract {
    private final EtcdCluster cluster = EtcdCluster.start(3);

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }

    @Override
    protected Duration ttl() {
        return Duration.ofSeconds(10);
    }
}
