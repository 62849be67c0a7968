package dev.elector.test;

/** The fault helpers on a real 3-member etcd cluster. */
@ElectorCluster(backend = ElectorCluster.Backend.ETCD, nodes = 3, sessionTimeout = "3s")
class EtcdFaultHelpersIT extends FaultHelpersContract {
}
