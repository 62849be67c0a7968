package dev.elector.test;

/** The fault helpers on a real 3-voter raft:// group, reached as clients. */
@ElectorCluster(backend = ElectorCluster.Backend.RAFT, nodes = 3, sessionTimeout = "3s")
class RaftFaultHelpersIT extends FaultHelpersContract {
}
