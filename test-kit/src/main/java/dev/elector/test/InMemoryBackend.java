package dev.elector.test;

import dev.elector.spi.Backend;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
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

/** One session on an {@link InMemoryCluster}. Tests reach it through an entry of it, to refuse renewals or expire it. */
final class InMemoryBackend implements Backend {
    private static final Map<Long, InMemoryBackend> OPEN = new ConcurrentHashMap<>();

    private final InMemoryCluster cluster;
    private final Duration sessionTimeout;
    private final SessionListener listener;
    private volatile long session;
    private volatile boolean renewalsBlocked;

    private InMemoryBackend(InMemoryCluster cluster, Duration sessionTimeout, SessionListener listener) {
        this.cluster = cluster;
        this.sessionTimeout = sessionTimeout;
        this.listener = listener;
        this.session = cluster.newSession();
    }

    static InMemoryBackend open(InMemoryCluster cluster, Duration sessionTimeout, SessionListener listener) {
        InMemoryBackend backend = new InMemoryBackend(cluster, sessionTimeout, listener);
        OPEN.put(backend.session, backend);
        return backend;
    }

    /** The open backend whose session owns {@code entry}. */
    static InMemoryBackend owning(Entry entry) {
        return OPEN.get(entry.owner());
    }

    /** While blocked, renewals are never acknowledged, as when the server the client talks to is paused. */
    void blockRenewals(boolean blocked) {
        this.renewalsBlocked = blocked;
    }

    /** Expires this session on the cluster and starts a new one, as Curator does after an expiry. */
    void expireSession() {
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
    public CompletionStage<Void> renew() {
        return renewalsBlocked ? new CompletableFuture<>() : cluster.answer(() -> null);
    }

    @Override
    public CompletionStage<Entry> register(String election, String participantId, String metadata) {
        long owner = session;
        return cluster.answer(() -> cluster.register(election, owner, participantId, metadata));
    }

    @Override
    public CompletionStage<Position> position(Entry self) {
        return cluster.answer(() -> cluster.position(self));
    }

    @Override
    public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
        return cluster.answer(() -> cluster.watch(entry, onChange));
    }

    @Override
    public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
        return cluster.answer(() -> cluster.entries(election, onChange));
    }

    @Override
    public CompletionStage<Void> delete(Entry own) {
        return cluster.answer(() -> {
            cluster.delete(own);
            return null;
        });
    }

    @Override
    public void close() {
        OPEN.remove(session);
        cluster.expire(session);
    }
}
