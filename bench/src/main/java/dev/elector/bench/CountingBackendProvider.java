package dev.elector.bench;

import dev.elector.spi.Backend;
import dev.elector.spi.BackendProvider;
import dev.elector.spi.ConnectionSpec;
import dev.elector.spi.Entry;
import dev.elector.spi.EntryRef;
import dev.elector.spi.Position;
import dev.elector.spi.SessionListener;
import dev.elector.spi.Watch;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Serves {@code count+zk://}, {@code count+etcd://} and {@code count+raft://}: the real backend, with every
 * request and every watch notification counted, so the benchmark can report what a leadership change costs.
 */
public class CountingBackendProvider implements BackendProvider {
    /** Requests made by all counting backends in this JVM. */
    public static final AtomicLong REQUESTS = new AtomicLong();
    /** Watch notifications delivered to all counting backends in this JVM. */
    public static final AtomicLong NOTIFICATIONS = new AtomicLong();
    /** Renewals sent by all counting backends in this JVM. */
    private static final AtomicLong RENEWALS = new AtomicLong();
    /** When the latest renewal was sent; read with {@link #RENEWALS} under its lock. */
    private static long lastRenewalNanos;
    /** Backends (sessions or leases) opened in this JVM. */
    public static final AtomicLong SESSIONS = new AtomicLong();

    private final String inner;

    /**
     * The renewal count and the send time of the latest renewal, read together.
     *
     * @return {count, nanoTime of the latest}
     */
    public static long[] renewals() {
        synchronized (RENEWALS) {
            return new long[] {RENEWALS.get(), lastRenewalNanos};
        }
    }

    /** The provider for {@code count+zk}; {@link ServiceLoader} needs a public no-argument constructor. */
    public CountingBackendProvider() {
        this("zk");
    }

    /**
     * The provider that counts the calls of another backend.
     *
     * @param inner the counted backend's scheme
     */
    CountingBackendProvider(String inner) {
        this.inner = inner;
    }

    @Override
    public String scheme() {
        return "count+" + inner;
    }

    @Override
    public int defaultPort() {
        return delegate(inner).defaultPort();
    }

    @Override
    public java.util.Set<String> uriOptions() {
        return delegate(inner).uriOptions();
    }

    @Override
    public Backend connect(ConnectionSpec spec, SessionListener listener) {
        String inner = spec.scheme().substring("count+".length());
        Backend backend = delegate(inner).connect(new ConnectionSpec(spec.uri(), inner, spec.endpoints(), spec.namespace(), spec.options(), spec.parameters()), listener);
        SESSIONS.incrementAndGet();
        return new Counting(backend);
    }

    private static BackendProvider delegate(String scheme) {
        return ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals(scheme)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend for " + scheme));
    }

    /** The same provider for etcd, registered as its own service. */
    public static final class Etcd extends CountingBackendProvider {
        /** For {@link ServiceLoader}. */
        public Etcd() {
            super("etcd");
        }
    }

    /** The same provider for Raft, registered as its own service. */
    public static final class Raft extends CountingBackendProvider {
        /** For {@link ServiceLoader}. */
        public Raft() {
            super("raft");
        }
    }

    private static final class Counting implements Backend {
        private final Backend inner;

        Counting(Backend inner) {
            this.inner = inner;
        }

        @Override
        public Duration sessionTimeout() {
            return inner.sessionTimeout();
        }

        @Override
        public long epoch() {
            return inner.epoch();
        }

        /** The backend's own window: without it every counted backend ran with the default of 1,000. */
        @Override
        public int maxCallsInFlight() {
            return inner.maxCallsInFlight();
        }

        @Override
        public CompletionStage<Void> renew() {
            synchronized (RENEWALS) {
                RENEWALS.incrementAndGet();
                lastRenewalNanos = System.nanoTime();
            }
            return inner.renew();
        }

        @Override
        public CompletionStage<Entry> register(String election, String participantId, String metadata) {
            REQUESTS.incrementAndGet();
            return inner.register(election, participantId, metadata);
        }

        @Override
        public CompletionStage<Position> position(Entry self) {
            REQUESTS.incrementAndGet();
            return inner.position(self);
        }

        @Override
        public CompletionStage<Optional<Watch>> watch(EntryRef entry, Runnable onChange) {
            REQUESTS.incrementAndGet();
            return inner.watch(entry, () -> {
                NOTIFICATIONS.incrementAndGet();
                onChange.run();
            }).thenApply(found -> found.map(watch -> () -> {
                REQUESTS.incrementAndGet();
                watch.cancel();
            }));
        }

        @Override
        public CompletionStage<List<Entry>> entries(String election, Runnable onChange) {
            REQUESTS.incrementAndGet();
            return inner.entries(election, onChange == null ? null : () -> {
                NOTIFICATIONS.incrementAndGet();
                onChange.run();
            });
        }

        @Override
        public CompletionStage<Void> delete(Entry own) {
            REQUESTS.incrementAndGet();
            return inner.delete(own);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
