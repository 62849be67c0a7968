package dev.elector.it.raft;

import dev.elector.it.faults.ReliabilityContract;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.RaftCluster;

/**
 * The fault scenarios on a real 3-voter raft:// group of JVMs, the participants reaching it as clients, each
 * through proxies of its own in front of every voter.
 */
class RaftReliabilityIT extends ReliabilityContract {
    private final RaftCluster cluster = RaftCluster.start(3);

    @Override
    protected ClusterUnderTest cluster() {
        return cluster;
    }
}
