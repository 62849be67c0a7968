package dev.elector.test;

/** The README's testing example on a real 3-member etcd cluster, whose lease revocation is the expiry. */
@ElectorCluster(backend = ElectorCluster.Backend.ETCD, nodes = 3, sessionTimeout = "3s")
class EtcdReadmeIT extends dev.elector.example.ReportJobTest {
}
