package dev.elector.it.raft;

import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.RaftCluster;
import dev.elector.test.contract.ElectionContract;
import org.junit.jupiter.api.BeforeAll;

/** The contract suite, unchanged, on a real 3-voter raft:// group of JVMs on loopback, reached as clients. */
class RaftElectionContractIT extends ElectionContract {
    private RaftCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = RaftCluster.start(3);
    }

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }
}
