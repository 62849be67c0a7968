package dev.elector.it.zookeeper;

import dev.elector.test.cluster.ProcessEnsemble;
import dev.elector.test.cluster.ZooKeeperEnsemble;

/** The contract suite on a real 3-node ZooKeeper 3.9.5 ensemble of forked JVMs on loopback. */
class ZooKeeperElectionContractIT extends ZooKeeperContract {
    @Override
    ZooKeeperEnsemble startEnsemble() {
        return ProcessEnsemble.start(3);
    }
}
