package dev.elector.test;

import dev.elector.Coordinator;
import dev.elector.Durations;
import dev.elector.test.cluster.ClusterUnderTest;
import dev.elector.test.cluster.TcpProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The real tiers: a {@link ClusterUnderTest} of processes on loopback, under the test's namespace. */
final class RealTestCluster implements TestCluster {
    private final ElectorCluster.Backend backend;
    private final ClusterUnderTest cluster;
    private final Duration sessionTimeout;
    private final Opened opened;
    private final List<Integer> killedForQuorum = new ArrayList<>();

    RealTestCluster(ElectorCluster.Backend backend, ClusterUnderTest cluster, Duration sessionTimeout, Opened opened) {
        this.backend = backend;
        this.cluster = cluster;
        this.sessionTimeout = sessionTimeout;
        this.opened = opened;
    }

    ClusterUnderTest cluster() {
        return cluster;
    }

    /**
     * The tier of a cluster the kit did not start: null for a backend it has no tier for. By name, not by
     * class, so that no backend's client classes need be on the classpath.
     */
    static ElectorCluster.Backend tierOf(ClusterUnderTest cluster) {
        return switch (cluster.backendName()) {
            case "ZooKeeper" -> ElectorCluster.Backend.ZOOKEEPER;
            case "etcd" -> ElectorCluster.Backend.ETCD;
            case "Raft" -> ElectorCluster.Backend.RAFT;
            default -> null;
        };
    }

    @Override
    public ElectorCluster.Backend backend() {
        return backend;
    }

    @Override
    public String uri() {
        return withTimeout(cluster.uri(opened.namespace()));
    }

    private String withTimeout(String uri) {
        return uri.replaceFirst("sessionTimeout=[^&]*", "sessionTimeout=" + Durations.format(sessionTimeout));
    }

    @Override
    public Route route() {
        List<TcpProxy> proxies = cluster.addresses().stream().map(TcpProxy::new).toList();
        return opened.track(new Route(proxies, withTimeout(cluster.uriFor(proxies.stream().map(TcpProxy::address).toList(), opened.namespace()))));
    }

    @Override
    public Coordinator connect(Route route) {
        return opened.track(Coordinator.connect(route.uri(), cluster.options()));
    }

    @Override
    public Coordinator connect() {
        return opened.track(Coordinator.connect(uri(), cluster.options()));
    }

    @Override
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    @Override
    public int members() {
        return cluster.size();
    }

    @Override
    public Optional<ManualClock> clock() {
        return Optional.empty();
    }

    @Override
    public void advance(Duration by) {
        // A real server keeps its own time: letting time pass is waiting, not polling for a condition.
        try {
            Thread.sleep(by.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while letting " + Durations.format(by) + " pass", e);
        }
    }

    private int member(int member) {
        if (member < 0 || member >= cluster.size()) {
            throw new IllegalArgumentException("member " + member + " is not one of 0 to " + (cluster.size() - 1));
        }
        return member;
    }

    @Override
    public void kill(int member) {
        cluster.kill(member(member));
    }

    @Override
    public void restart(int member) {
        cluster.restart(member(member));
    }

    @Override
    public void pause(int member) {
        cluster.pause(member(member));
    }

    @Override
    public void resume(int member) {
        cluster.resume(member(member));
    }

    @Override
    public void rollingRestart() {
        for (int i = 0; i < cluster.size(); i++) {
            cluster.kill(i);
            cluster.restart(i);
        }
    }

    @Override
    public synchronized void loseQuorum() {
        if (!killedForQuorum.isEmpty()) {
            throw new IllegalStateException("the quorum is already lost; restoreQuorum() first");
        }
        for (int i = 0; i < cluster.size() / 2 + 1; i++) {
            cluster.kill(i);
            killedForQuorum.add(i);
        }
    }

    @Override
    public synchronized void restoreQuorum() {
        // The first one back forms a quorum with the members that stayed, so each restart can wait to serve.
        for (int i : killedForQuorum) {
            cluster.restart(i);
        }
        killedForQuorum.clear();
    }

    @Override
    public void deleteEntry(String election, String participantId) {
        cluster.deleteEntry(opened.namespace(), election, participantId);
    }

    @Override
    public void expireSession(String election, String participantId) {
        cluster.expireSession(opened.namespace(), election, participantId);
    }

    @Override
    public void refuseRenewals(String election, String participantId, boolean refused) {
        throw new UnsupportedOperationException("a real cluster answers every renewal it gets: pause(member) or loseQuorum() to stop the answers");
    }

    @Override
    public String toString() {
        return cluster.backendName() + " cluster of " + cluster.size() + " at " + String.join(",", cluster.addresses());
    }
}
