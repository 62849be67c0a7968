/**
 * The JUnit 5 kit for users' tests: {@link dev.elector.test.ElectorCluster} gives a test a cluster (in memory
 * on a manual clock, an embedded ZooKeeper, or real ZooKeeper and etcd clusters as processes) with fault
 * helpers, and {@link dev.elector.test.FencedResource} and {@link dev.elector.test.LeadershipHistory} check
 * what the code under test did.
 */
package dev.elector.test;
