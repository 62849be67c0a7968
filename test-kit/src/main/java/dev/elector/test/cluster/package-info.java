/**
 * Real clusters as processes on 127.0.0.1 and the tools around them: a 3-node ZooKeeper as forked JVMs, etcd
 * from its binary, TCP proxies that partition, delay or reset, a throwaway PKI, and the recorded history
 * the fault suites check.
 */
package dev.elector.test.cluster;
