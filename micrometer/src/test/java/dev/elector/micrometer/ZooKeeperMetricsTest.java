package dev.elector.micrometer;

import dev.elector.test.ElectorCluster;

/** The meters on a real ZooKeeper server, embedded in this JVM. */
@ElectorCluster(backend = ElectorCluster.Backend.EMBEDDED_ZOOKEEPER)
class ZooKeeperMetricsTest extends ElectorMetricsContract {
}
