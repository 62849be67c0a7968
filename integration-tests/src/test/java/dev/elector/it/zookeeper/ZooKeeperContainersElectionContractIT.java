package dev.elector.it.zookeeper;

import dev.elector.test.cluster.ZooKeeperEnsemble;
import dev.elector.test.cluster.ContainerEnsemble;

import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same suite on a ZooKeeper ensemble in Docker containers. Without a Docker engine, as on the
 * project's CI machines, JUnit reports it as skipped.
 */
@Testcontainers(disabledWithoutDocker = true)
class ZooKeeperContainersElectionContractIT extends ZooKeeperContract {
    @Override
    ZooKeeperEnsemble startEnsemble() {
        return ContainerEnsemble.start(3);
    }
}
