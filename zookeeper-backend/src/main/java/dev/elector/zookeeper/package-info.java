/**
 * The {@code zk://} backend on Curator: protected ephemeral-sequential znodes in one ZooKeeper session per
 * coordinator; the fencing token is the entry's {@code czxid}.
 */
package dev.elector.zookeeper;
