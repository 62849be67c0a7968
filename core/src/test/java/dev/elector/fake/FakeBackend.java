package dev.elector.fake;

import dev.elector.spi.Backend;
import dev.elector.spi.Change;
import dev.elector.spi.Entry;
import dev.elector.spi.Position;
import dev.elector.spi.SessionListener;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** One session on a {@link FakeCluster}. Tests reach it by its session id to block renewals or expire it. */
public final class FakeBackend implements Backend {
    private static final Map<Long, FakeBackend> OPEN = new ConcurrentHashMap<>();

    private final FakeCluster cluster;
    private final Duration sessionTimeout;
    private volatile long session;
    private volatile SessionListener listener;
    private volatile boolean renewalsBlocked;

    private FakeBackend(FakeCluster cluster, Duration sessionTimeout) {
        this.cluster = cluster;
        this.sessionTimeout = sessionTimeout;
        this.session = cluster.newSession();
    }

    static FakeBackend open(FakeCluster cluster, Duration sessionTimeout) {
        FakeBackend backend = new FakeBackend(cluster, sessionTimeout);
        OPEN.put(backend.session, backend);
        return backend;
    }

    /** The open backend whose session owns {@code entry}. */
    public static FakeBackend owning(Entry entry) {
        return OPEN.get(entry.owner());
    }

    /** While blocked, renewals are never acknowledged, as when the server the client talks to is paused. */
    public void blockRenewals(boolean blocked) {
        this.renewalsBlocked = blocked;
    }

    /** Expires this session on the cluster and starts a new one, as Curator does after an expiry. */
    public void expireSession() {
        long old = session;
        OPEN.remove(old);
        session = cluster.newSession();
        OPEN.put(session, this);
        // As on ZooKeeper, the expired session hears of the expiry, not of its own entries' deletion.
        listener.sessionChanged(session);
        cluster.expire(old);
    }

    @Override
    public Duration sessionTimeout() {
        return sessionTimeout;
    }

    @Override
    public long epoch() {
        return session;
    }

    @Override
    public void setSessionListener(SessionListener listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Void> renew() {
        return renewalsBlocked ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
    }

    @Override
    public Entry register(String election, String participantId, String metadata) {
        return cluster.register(election, session, participantId, metadata);
    }

    @Override
    public CompletionStage<Position> position(Entry self) {
        return CompletableFuture.completedFuture(cluster.position(self));
    }

    @Override
    public Optional<Watch> watch(Entry entry, Consumer<Change> onChange) {
        return cluster.watch(entry, onChange);
    }

    @Override
    public List<Entry> entries(String election, Runnable onChange) {
        return cluster.entries(election, onChange);
    }

    @Override
    public void delete(Entry own, boolean handOver) {
        cluster.delete(own, handOver);
    }

    @Override
    public void close() {
        OPEN.remove(session);
        cluster.expire(session);
    }
}
