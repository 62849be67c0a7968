package dev.elector.test;

import dev.elector.Coordinator;
import dev.elector.CoordinatorOptions;
import dev.elector.Durations;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** The {@code IN_MEMORY} tier: one {@code mem://} cluster per test class, a namespace per test, one manual clock. */
final class InMemoryTestCluster implements TestCluster {
    private static final String NO_MEMBERS = "the in-memory tier has no members to %s: use @ElectorCluster(backend = ZOOKEEPER or ETCD)"
            + " for member faults, or expireSession, deleteEntry and refuseRenewals here";

    private final String name = "kit-" + UUID.randomUUID();
    private final Duration sessionTimeout;
    private final ManualClock clock = new ManualClock();
    private final Opened opened;

    InMemoryTestCluster(Duration sessionTimeout, Opened opened) {
        this.sessionTimeout = sessionTimeout;
        this.opened = opened;
    }

    private InMemoryCluster registry() {
        return InMemoryCluster.named(name, opened.namespace());
    }

    @Override
    public ElectorCluster.Backend backend() {
        return ElectorCluster.Backend.IN_MEMORY;
    }

    @Override
    public String uri() {
        return "mem://" + name + "/" + opened.namespace() + "?sessionTimeout=" + Durations.format(sessionTimeout);
    }

    @Override
    public Coordinator connect() {
        return opened.track(Coordinator.connect(uri(), CoordinatorOptions.builder().clock(clock).build()));
    }

    @Override
    public Route route() {
        throw new UnsupportedOperationException("the in-memory tier has no network to cut: use refuseRenewals, expireSession or deleteEntry,"
                + " or @ElectorCluster(backend = ZOOKEEPER or ETCD) for routes");
    }

    @Override
    public Coordinator connect(Route route) {
        throw new UnsupportedOperationException("the in-memory tier has no routes");
    }

    @Override
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    @Override
    public int members() {
        return 0;
    }

    @Override
    public Optional<ManualClock> clock() {
        return Optional.of(clock);
    }

    @Override
    public void advance(Duration by) {
        clock.advance(by);
    }

    @Override
    public void kill(int member) {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "kill"));
    }

    @Override
    public void restart(int member) {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "restart"));
    }

    @Override
    public void pause(int member) {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "pause"));
    }

    @Override
    public void resume(int member) {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "resume"));
    }

    @Override
    public void rollingRestart() {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "restart"));
    }

    @Override
    public void loseQuorum() {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "kill"));
    }

    @Override
    public void restoreQuorum() {
        throw new UnsupportedOperationException(String.format(NO_MEMBERS, "restart"));
    }

    @Override
    public void deleteEntry(String election, String participantId) {
        InMemoryCluster registry = registry();
        registry.delete(registry.entryOf(election, participantId));
    }

    @Override
    public void expireSession(String election, String participantId) {
        registry().sessionOf(election, participantId).expireSession();
    }

    @Override
    public void refuseRenewals(String election, String participantId, boolean refused) {
        registry().sessionOf(election, participantId).blockRenewals(refused);
    }

    /** Drops the test's registry once its coordinators are closed. */
    void forgetNamespace(String namespace) {
        InMemoryCluster.forget(name, namespace);
    }

    @Override
    public String toString() {
        return "in-memory cluster " + name;
    }
}
